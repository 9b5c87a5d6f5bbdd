/**
 * Reading a topic back, whole: every partition from the start up to the high watermark
 * it had when the read began. Under read_committed the position can pass an offset only
 * once every transaction below it is decided (the last stable offset passed it), so
 * "read to the high watermark" also means "every open transaction there was decided".
 * A transaction left open past READ_BACK_TIMEOUT_MS is reported as such, never read past.
 */
import type { Client, IsolationLevel } from "@tidelog/client";
import { READ_BACK_TIMEOUT_MS } from "./limits.js";

export interface ReadRecord {
  readonly partition: number;
  readonly offset: number;
  readonly key: string;
  readonly value: string;
}

export class ReadBackTimeoutError extends Error {
  override name = "ReadBackTimeoutError";
}

/** The high watermark of each partition of `topic`, now. */
export async function endOffsets(client: Client, topic: string): Promise<number[]> {
  const partitions = (await client.admin().describeTopic(topic)).partitions.length;
  const probe = client.consumer({ isolationLevel: "read_uncommitted" });
  try {
    const tps = Array.from({ length: partitions }, (_, partition) => ({ topic, partition }));
    probe.assign(tps);
    const ends: number[] = [];
    for (const tp of tps) {
      probe.seek(tp, "latest");
      ends.push(await probe.position(tp));
    }
    return ends;
  } finally {
    await probe.close();
  }
}

/** Every record of `topic` below its current high watermarks, in offset order per partition. */
export async function readTopic(
  client: Client,
  topic: string,
  isolationLevel: IsolationLevel,
  timeoutMs = READ_BACK_TIMEOUT_MS,
): Promise<ReadRecord[]> {
  const ends = await endOffsets(client, topic);
  const tps = ends.map((_, partition) => ({ topic, partition }));
  const reader = client.consumer({ isolationLevel, autoOffsetReset: "earliest", maxWaitMs: 100 });
  const out: ReadRecord[] = [];
  const behind = new Map(ends.map((end, p) => [p, end]));
  const check = async () => {
    for (const [p, end] of behind) if ((await reader.position({ topic, partition: p })) >= end) behind.delete(p);
    if (behind.size === 0) reader.stop();
  };
  const started = Date.now();
  let timedOut = false;
  const watchdog = setInterval(() => {
    if (Date.now() - started > timeoutMs) {
      timedOut = true;
      reader.stop();
    } else void check().catch(() => {});
  }, 50);
  try {
    reader.assign(tps);
    for (const tp of tps) reader.seek(tp, "earliest");
    await check();
    if (behind.size > 0) {
      await reader.run({
        eachBatch: (batch) => {
          for (const r of batch.records) {
            if (r.offset >= (ends[r.partition] ?? 0)) continue;
            out.push({
              partition: r.partition,
              offset: r.offset,
              key: r.key?.toString() ?? "",
              value: r.value?.toString() ?? "",
            });
          }
        },
      });
    }
  } finally {
    clearInterval(watchdog);
    await reader.close();
  }
  if (timedOut) {
    const stuck = [...behind].map(([p, end]) => `${topic}-${p} (high watermark ${end})`).join(", ");
    throw new ReadBackTimeoutError(
      `reading ${topic} back (${isolationLevel}) did not reach the end of ${stuck} within ${timeoutMs} ms: ` +
        "a transaction there was never decided",
    );
  }
  return out.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}
