/**
 * A bound on requests awaiting an answer, for clients whose calls each return a promise
 * (a JetStream publish, a Redis pipeline): `add` returns at once while fewer than `max`
 * are in flight and otherwise waits for one to settle. O(1) per request, unlike
 * `Promise.race` over the whole set, which costs O(in flight) per call and would make the
 * benchmark, not the system, the bottleneck at thousands in flight. The first failure is
 * thrown from the next `add` or from `drain`.
 */
export class InFlightWindow {
  #inFlight = 0;
  #wake: (() => void) | undefined;
  #failure: { error: unknown } | undefined;

  constructor(readonly max: number) {}

  async add(request: Promise<unknown>): Promise<void> {
    this.#inFlight++;
    request.then(
      () => this.#settled(),
      (error: unknown) => {
        this.#failure ??= { error };
        this.#settled();
      },
    );
    while (this.#inFlight >= this.max) await new Promise<void>((resolve) => (this.#wake = resolve));
    if (this.#failure) throw this.#failure.error;
  }

  /** Waits until every request has settled. */
  async drain(): Promise<void> {
    while (this.#inFlight > 0) await new Promise<void>((resolve) => (this.#wake = resolve));
    if (this.#failure) throw this.#failure.error;
  }

  #settled(): void {
    this.#inFlight--;
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
