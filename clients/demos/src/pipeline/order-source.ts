/**
 * The pipeline's input: orders of a dozen customers at a steady rate (ORDERS_PER_TICK
 * every INPUT_TICK_MS), sent by an idempotent acks=all producer keyed by customer. What
 * counts as input for the proof is what `orders` holds when read back, not what was
 * acknowledged here; these counts are for the live line.
 */
import type { Producer } from "@tidelog/client";
import { INPUT_PENDING_SENDS_MAX, INPUT_TICK_MS, ORDERS_PER_TICK } from "../limits.js";
import type { Random } from "../random.js";

export const CUSTOMERS = Array.from({ length: 12 }, (_, i) => `c${String(i + 1).padStart(2, "0")}`);

export class OrderSource {
  private nextId = 1;
  private readonly pending = new Set<Promise<unknown>>();
  private timer: NodeJS.Timeout | null = null;
  acked = 0;
  failed = 0;
  lastError = "";

  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly random: Random,
  ) {}

  get sent(): number {
    return this.nextId - 1;
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), INPUT_TICK_MS);
  }

  /** Stops sending and waits for the answers to what was sent. */
  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.pending]);
  }

  private tick(): void {
    if (this.pending.size >= INPUT_PENDING_SENDS_MAX) return; // the cluster is slow: send less, do not queue
    const records = Array.from({ length: ORDERS_PER_TICK }, () => {
      const order = { id: this.nextId++, customer: this.random.pick(CUSTOMERS), amount: this.random.int(1, 100) };
      return { key: order.customer, value: JSON.stringify(order) };
    });
    const send = this.producer.send(this.topic, records).then(
      () => {
        this.acked += records.length;
      },
      (e: unknown) => {
        this.failed += records.length;
        this.lastError = e instanceof Error ? e.message : String(e);
      },
    );
    this.pending.add(send);
    void send.finally(() => this.pending.delete(send));
  }
}
