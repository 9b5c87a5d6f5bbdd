/**
 * The final read: one partition read from its start to the end offset learnt after the
 * cluster settled, recorded as `final-read` ops of at most LIMITS.finalReadChunkRecords
 * records each (so no history line grows with the partition), the last one marked
 * `done`. A read that cannot reach the end offset in time ends with what it got and
 * `done: false`, or `info`: the checker then reports the partition as unread rather than
 * call its records lost.
 *
 * The end is judged by the consumer's position, not by records seen: a read_committed
 * read skips aborted records and transaction markers without handing anything out.
 */
import type { Client, IsolationLevel } from "@tidelog/client";
import type { HistoryRecorder, Invocation } from "../history.js";
import { LIMITS } from "../limits.js";

const WATCH_MS = 100;

export interface FinalReadOptions {
  readonly process: number;
  readonly topic: string;
  readonly partition: number;
  readonly endOffset: number;
  readonly isolationLevel: IsolationLevel;
}

export async function finalRead(client: Client, history: HistoryRecorder, options: FinalReadOptions): Promise<void> {
  const { process, topic, partition: p, endOffset, isolationLevel } = options;
  const tp = { topic, partition: p };
  let invocation: Invocation = history.invoke(process, "final-read", { p, from: 0 });
  if (endOffset === 0) {
    history.complete(invocation, "ok", { p, records: [], done: true });
    return;
  }
  const consumer = client.consumer({ isolationLevel, autoOffsetReset: "earliest", maxWaitMs: 200 });
  let chunk: [number, string][] = [];
  let reached = false;
  let failure: unknown = `did not reach end offset ${endOffset} within ${LIMITS.finalReadTimeoutMs} ms`;
  const deadline = setTimeout(() => consumer.stop(), LIMITS.finalReadTimeoutMs);
  const watchdog = setInterval(() => {
    consumer.position(tp).then(
      (position) => {
        if (position >= endOffset) {
          reached = true;
          consumer.stop();
        }
      },
      () => {},
    );
  }, WATCH_MS);
  try {
    consumer.assign([tp]);
    consumer.seek(tp, "earliest");
    for await (const batch of consumer.batches()) {
      for (const r of batch.records) {
        if (r.offset >= endOffset) break;
        chunk.push([r.offset, r.value?.toString("utf8") ?? ""]);
        if (chunk.length >= LIMITS.finalReadChunkRecords) {
          history.complete(invocation, "ok", { p, records: chunk, done: false });
          chunk = [];
          invocation = history.invoke(process, "final-read", { p, from: r.offset + 1 });
        }
      }
      const last = batch.records[batch.records.length - 1];
      if (last && last.offset + 1 >= endOffset) {
        reached = true;
        break;
      }
    }
  } catch (e) {
    failure = e;
  } finally {
    clearTimeout(deadline);
    clearInterval(watchdog);
    await consumer.close();
  }
  if (reached) history.complete(invocation, "ok", { p, records: chunk, done: true });
  else if (chunk.length > 0) history.complete(invocation, "ok", { p, records: chunk, done: false });
  else history.complete(invocation, "info", { p }, failure);
}

/** Final reads of partitions 0..n-1, one after the other (each its own consumer), ends from `settledEndOffsets`. */
export async function finalReadAll(
  client: Client,
  history: HistoryRecorder,
  options: { process: number; topic: string; endOffsets: readonly number[]; isolationLevel: IsolationLevel },
): Promise<void> {
  for (const [partition, endOffset] of options.endOffsets.entries()) {
    await finalRead(client, history, { ...options, partition, endOffset });
  }
}
