/**
 * The idempotence demo's writer: one idempotent acks=all producer numbering the records
 * of each partition 0, 1, 2... ({"p":2,"seq":417}), many sends in flight (up to 5
 * batches per partition on the wire, so a retry after a lost answer is the case
 * idempotence exists for). It keeps what the cluster acknowledged, with the offset it
 * gave, and what failed; the proof holds the log read back to both.
 */
import type { Producer } from "@tidelog/client";
import { IDEMPOTENCE_PENDING_SENDS_MAX, IDEMPOTENCE_RECORDS_PER_SEND } from "../limits.js";

export interface Numbered {
  readonly p: number;
  readonly seq: number;
}

/** How often a send is started (when fewer than the bound are in flight): about 2,500 records/s. */
const TICK_MS = 10;

export class Sequencer {
  /** "p/seq" -> the offset the cluster acknowledged it at. */
  readonly acked = new Map<string, number>();
  readonly failed = new Set<string>();
  readonly nextSeq: number[];
  lastError = "";
  private readonly pending = new Set<Promise<void>>();
  /** Sends in flight per partition: a partition waiting for a new leader does not hold the others up. */
  private readonly inFlight: number[];
  private timer: NodeJS.Timeout | null = null;
  private nextPartition = 0;

  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    partitions: number,
  ) {
    this.nextSeq = Array.from({ length: partitions }, () => 0);
    this.inFlight = Array.from({ length: partitions }, () => 0);
  }

  get sent(): number {
    return this.nextSeq.reduce((a, b) => a + b, 0);
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.pending]);
  }

  private tick(): void {
    const partitions = this.nextSeq.length;
    const perPartitionMax = Math.max(1, Math.floor(IDEMPOTENCE_PENDING_SENDS_MAX / partitions));
    let p = this.nextPartition;
    for (let tries = 0; this.inFlight[p]! >= perPartitionMax; tries++) {
      if (tries === partitions) return; // every partition is at its bound: the cluster is slow, send less
      p = (p + 1) % partitions;
    }
    this.nextPartition = (p + 1) % partitions;
    this.inFlight[p]!++;
    const first = this.nextSeq[p]!;
    this.nextSeq[p] = first + IDEMPOTENCE_RECORDS_PER_SEND;
    const records = Array.from({ length: IDEMPOTENCE_RECORDS_PER_SEND }, (_, i) => ({
      value: JSON.stringify({ p, seq: first + i } satisfies Numbered),
      partition: p,
    }));
    const send = this.producer.send(this.topic, records).then(
      (reports) => {
        for (const [i, r] of reports.entries()) this.acked.set(`${p}/${first + i}`, r.offset);
      },
      (e: unknown) => {
        for (let i = 0; i < records.length; i++) this.failed.add(`${p}/${first + i}`);
        this.lastError = e instanceof Error ? e.message : String(e);
      },
    );
    this.pending.add(send);
    void send.finally(() => {
      this.pending.delete(send);
      this.inFlight[p]!--;
    });
  }
}
