/**
 * Producer ids, unique across the cluster: each broker claims a block of ids from etcd
 * (`producer-ids` = {"next": N}) by compare-and-swap and hands them out from memory, as
 * Kafka's KIP-730. A broker that dies loses the rest of its block, which only wastes ids.
 *
 * e.g. broker 1 claims [0, 1000) and writes {"next":1000}; broker 2, racing, fails its
 * CAS, re-reads, and claims [1000, 2000).
 */
import { TidelogError } from "@tidelog/client/record";
import type { MetadataKv } from "./metadata-kv.js";
import { unavailableOnError } from "./metadata-store.js";

/** Producer ids a broker claims from etcd at once (one write per this many InitProducerId). */
export const PRODUCER_ID_BLOCK = 1000;
const KEY = "producer-ids";
/** CAS attempts per claim before answering a retriable error. */
const CLAIM_ATTEMPTS_MAX = 10;

export class ProducerIdManager {
  private next = 0;
  private end = 0;
  private claiming: Promise<void> | null = null;

  constructor(private readonly store: MetadataKv) {}

  async nextProducerId(): Promise<number> {
    while (this.next >= this.end) {
      this.claiming ??= this.claimBlock().finally(() => {
        this.claiming = null;
      });
      await this.claiming;
    }
    return this.next++;
  }

  private async claimBlock(): Promise<void> {
    const store = this.store;
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS_MAX; attempt++) {
      const kv = await unavailableOnError("read producer ids", () => store.get(KEY));
      const start = kv ? parseNext(kv.value) : 0;
      const next = JSON.stringify({ next: start + PRODUCER_ID_BLOCK });
      const compare = kv
        ? { key: KEY, target: "Mod" as const, value: kv.modRevision }
        : { key: KEY, target: "Create" as const, value: 0 };
      const claim = () => store.txn([compare], [{ kind: "put", key: KEY, value: next }]);
      if ((await unavailableOnError("claim producer ids", claim)).succeeded) {
        this.next = start;
        this.end = start + PRODUCER_ID_BLOCK;
        return;
      }
    }
    throw new TidelogError("COORDINATOR_NOT_AVAILABLE", "could not claim a block of producer ids; try again");
  }
}

function parseNext(raw: string): number {
  const value = (JSON.parse(raw) as { next?: unknown }).next;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new TidelogError("UNKNOWN_SERVER_ERROR", `invalid producer-ids record in etcd: ${raw}`);
  }
  return value;
}
