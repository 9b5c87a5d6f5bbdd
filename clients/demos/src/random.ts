/**
 * The demos' seeded randomness (order amounts, customers, transfers, which transfers
 * abort): one seed, printed at the start, makes a run's inputs repeatable. Fault timing
 * is not (it races real processes), so a seed reproduces what was sent, not the run.
 * mulberry32: 32 bits of state, plenty for choosing inputs.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`a seed is a safe integer, not ${seed}`);
    this.state = (seed ^ Math.floor(seed / 2 ** 32)) >>> 0;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  }

  /** A uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("cannot pick from nothing");
    return items[this.int(0, items.length - 1)] as T;
  }
}
