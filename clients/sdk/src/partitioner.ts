/**
 * The default partitioner, Kafka's since 2.4:
 *
 *   - a record with a partition goes there;
 *   - a keyed record goes to `toPositive(murmur2(keyBytes)) % partitionCount`, the
 *     partition Kafka's Java client and kafkajs's DefaultPartitioner choose (over all
 *     partitions, available or not, so a key never moves while a leader is away);
 *   - keyless records stick to one partition until its batch is closed (full, or sent
 *     when lingerMs ran out), then move to another partition chosen at random among
 *     those with a leader (KIP-480): few, full batches instead of many small ones.
 *
 * String keys are hashed through a reused scratch buffer, so a keyed record costs no
 * allocation. Randomness comes through a seam so a test can fix it.
 */
import { murmur2, toPositive } from "./murmur2.js";
import type { BytesInput } from "./record/record.js";

/** String keys up to this many bytes are encoded into the scratch buffer; longer ones are allocated. */
const KEY_SCRATCH_BYTES = 4096;

/** The partition Kafka's default partitioner gives `key` among `partitionCount`. */
export function partitionForKey(key: Buffer | string, partitionCount: number): number {
  const bytes = typeof key === "string" ? Buffer.from(key, "utf8") : key;
  return toPositive(murmur2(bytes)) % partitionCount;
}

export class DefaultPartitioner {
  private readonly scratch = Buffer.allocUnsafe(KEY_SCRATCH_BYTES);
  /** Per topic, the partition keyless records currently go to. */
  private readonly sticky = new Map<string, number>();

  constructor(private readonly random: () => number) {}

  keyed(key: Exclude<BytesInput, null>, partitionCount: number): number {
    let hash: number;
    if (typeof key !== "string") hash = murmur2(key);
    else if (key.length * 3 <= KEY_SCRATCH_BYTES) hash = murmur2(this.scratch, 0, this.scratch.write(key, 0, "utf8"));
    else hash = murmur2(Buffer.from(key, "utf8"));
    return toPositive(hash) % partitionCount;
  }

  /** The sticky partition for keyless records of `topic`. */
  keyless(topic: string, partitionCount: number, available: readonly number[]): number {
    const current = this.sticky.get(topic);
    if (current !== undefined && current < partitionCount) return current;
    return this.choose(topic, partitionCount, available, -1);
  }

  /** The sticky partition's batch was closed: move to another partition. */
  onNewBatch(topic: string, previous: number, partitionCount: number, available: readonly number[]): number {
    const current = this.sticky.get(topic);
    if (current !== undefined && current !== previous) return current;
    return this.choose(topic, partitionCount, available, previous);
  }

  /** A random available partition other than `avoid` when there is a choice; any partition when none has a leader. */
  private choose(topic: string, partitionCount: number, available: readonly number[], avoid: number): number {
    let chosen: number;
    if (available.length === 0) chosen = Math.floor(this.random() * partitionCount);
    else if (available.length === 1) chosen = available[0]!;
    else {
      chosen = available[Math.floor(this.random() * available.length)]!;
      if (chosen === avoid) {
        const i = available.indexOf(avoid);
        chosen = available[(i + 1 + Math.floor(this.random() * (available.length - 1))) % available.length]!;
      }
    }
    this.sticky.set(topic, chosen);
    return chosen;
  }
}
