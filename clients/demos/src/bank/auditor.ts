/**
 * An auditor: a consumer reading the whole ledger while the tellers work, noting every
 * transfer it sees and where. Two read with read_committed (they must never see a
 * transfer that was not committed); one reads read_uncommitted as the control (it must
 * see the aborted ones: they are in the log, so the others' not seeing them means
 * something). At the end each reads on to the high watermarks taken after the tellers
 * stopped, so it has seen everything there is.
 */
import type { Client, Consumer, IsolationLevel } from "@tidelog/client";
import { READ_BACK_TIMEOUT_MS } from "../limits.js";
import { waitFor } from "../wait.js";
import { PARTITIONS, parseEntry } from "./ledger.js";

export class Auditor {
  /** Transfer id -> where this auditor first saw one of its records. */
  readonly seen = new Map<string, string>();
  records = 0;
  private readonly consumer: Consumer;
  private reading: Promise<void> = Promise.resolve();
  private failure: unknown = null;

  constructor(
    client: Client,
    readonly name: string,
    readonly isolationLevel: IsolationLevel,
    private readonly topic: string,
  ) {
    this.consumer = client.consumer({ isolationLevel, autoOffsetReset: "earliest", maxWaitMs: 100 });
  }

  start(): void {
    const tps = Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: this.topic, partition }));
    this.consumer.assign(tps);
    this.reading = this.consumer.run({
      eachBatch: (batch) => {
        for (const r of batch.records) {
          this.records++;
          const entry = parseEntry(r.value?.toString() ?? "");
          if (!this.seen.has(entry.transfer)) this.seen.set(entry.transfer, `${this.topic}-${r.partition}@${r.offset}`);
        }
      },
    });
    this.reading.catch((e: unknown) => {
      this.failure = e; // reported by finish()
    });
  }

  /** Reads on until every partition's position reaches `ends`, then stops. */
  async finish(ends: readonly number[], signal: AbortSignal): Promise<void> {
    try {
      await waitFor(
        async () => {
          if (this.failure !== null) return true;
          for (let p = 0; p < ends.length; p++) {
            if ((await this.consumer.position({ topic: this.topic, partition: p })) < ends[p]!) return false;
          }
          return true;
        },
        { description: `auditor ${this.name} at the end of ${this.topic}`, timeoutMs: READ_BACK_TIMEOUT_MS, signal },
      );
    } finally {
      this.consumer.stop();
      await this.reading.catch(() => {});
      await this.consumer.close();
    }
    if (this.failure !== null) throw this.failure;
  }
}
