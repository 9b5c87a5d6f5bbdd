/**
 * One system under test in the peers suite, as the suite drives it: the same workloads
 * through each system's own Node client, with the server processes named so their CPU
 * time and memory can be read. Every name (`topic`) is fresh per workload, so no run
 * reads another's records.
 */
import type { Workload } from "../e2e.js";
import type { Percentiles } from "../lib/latency.js";

export type { Workload };

/**
 * Records between progress confirmations in a group read, the same for every system: a
 * Redis XREADGROUP or JetStream fetch of this many, or this many records from tidelog's
 * fetches. Per stored batch instead, tidelog would commit every ~500 records of 1 KiB
 * (its producer's 512 KiB batches) where the peers confirm every 10,000.
 */
export const GROUP_CONFIRM_RECORDS = 10_000;

/** What a group read gives back: records read, their rate, and how long the first one took. */
export interface GroupRead {
  readonly records: number;
  readonly perSecond: number;
  /** From the call (group creation or join included) to the first record in hand. */
  readonly firstRecordMs: number;
}

export interface BenchSystem {
  /** Short and stable across versions, used in row names: "Redis Streams", "tidelog RF 3 acks=all". */
  readonly name: string;
  /** Versions, nodes, durability and client settings, stated once in the output. */
  readonly setup: string;
  /** The server processes whose CPU seconds and peak RSS are this system's cost. */
  serverPids(): readonly number[];
  /** Creates the stream or topic `topic` (not measured). */
  create(topic: string): Promise<void>;
  /** Sends `w.records` records of `w.recordBytes` and waits for every acknowledgement; records per second. */
  produce(topic: string, w: Workload): Promise<number>;
  /** Reads `topic` from its start until `expected` records or `timeoutMs`; records read and their rate. */
  consume(topic: string, expected: number, timeoutMs: number): Promise<{ records: number; perSecond: number }>;
  /**
   * Reads `topic` from its start as a new consumer group, confirming its progress every
   * GROUP_CONFIRM_RECORDS records read (and at the end) and waiting for that confirmation
   * (tidelog: commit of the next offsets; Redis: XACK of the ids read; JetStream: ack of
   * the last message read on an AckAll durable consumer), until `expected` records or
   * `timeoutMs`. The clock runs from creating or joining the group to the last confirmation.
   */
  consumeGroup(topic: string, expected: number, timeoutMs: number): Promise<GroupRead>;
  /** Publish-to-acknowledge latency of 100 B records at a fixed rate. */
  latency(topic: string, perSecond: number, seconds: number): Promise<Percentiles>;
  /** Frees what `topic` holds (the peers keep records in memory or on disk until told). */
  drop(topic: string): Promise<void>;
  /** Closes the client; the servers are stopped by the scope they were started in. */
  close(): Promise<void>;
}
