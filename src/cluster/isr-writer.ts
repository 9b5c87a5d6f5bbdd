/**
 * The leader's own changes to its partition's ISR, written to etcd by compare-and-swap
 * on the partition state's mod revision: if the controller (a new leader, a shrink for a
 * dead broker) or anyone else changed the state since the leader read it, the write
 * fails and the leader re-reads before trying again. The leader and its epoch are
 * carried over unchanged; the partition epoch grows. Members that stay keep the broker
 * epoch recorded for them; members that join get the incarnation of the registration
 * they fetched under (KIP-903: a follower that restarts afterwards is then told apart
 * by the controller). The ELR
 * follows the ISR by the rule in partition-leader-election.ts (`nextElr`).
 */
import type { Versioned } from "./metadata-image.js";
import type { MetadataKv } from "./metadata-kv.js";
import { keys, type PartitionState } from "./metadata-records.js";
import { unavailableOnError } from "./metadata-store.js";
import { nextElr } from "./partition-leader-election.js";

/** One partition's ISR change, as its leader asks for it. */
export interface IsrChange {
  readonly topic: string;
  readonly partition: number;
  /** The state the change is made against: written only if it is still the latest. */
  readonly current: Versioned<PartitionState>;
  readonly isr: readonly number[];
  /** Broker epochs of joining members, by id (absent: not known). */
  readonly joiningEpochs: ReadonlyMap<number, number>;
  /** The topic's min.insync.replicas: members leaving a smaller ISR become eligible leader replicas. */
  readonly minIsr: number;
}

/**
 * Writes ISR changes of distinct partitions, each a compare-and-swap on its own state;
 * answers, in order, whether each was written. Throws when the outcome is unknown.
 */
export type IsrWriter = (changes: readonly IsrChange[]) => Promise<boolean[]>;

/**
 * Partitions per etcd transaction. etcd refuses a transaction of more than
 * --max-txn-ops operations (128 by default) in either branch or in its compares.
 */
export const ISR_CHANGES_PER_TXN_MAX = 64;

/**
 * Many changes go in one transaction (as Kafka's AlterPartition carries many partitions):
 * a broker rejoining 20,000 ISRs is a few hundred etcd writes and watch events, not
 * 20,000. A transaction is all or nothing and etcd does not say which compare failed, so
 * when one fails its changes are written one by one to find out.
 */
export function etcdIsrWriter(store: MetadataKv): IsrWriter {
  const writeTogether = async (changes: readonly IsrChange[]): Promise<boolean> => {
    const res = await unavailableOnError("write ISR", () =>
      store.txn(
        changes.map((c) => ({
          key: keys.partition(c.topic, c.partition),
          target: "Mod",
          value: c.current.modRevision,
        })),
        changes.map((c) => ({
          kind: "put",
          key: keys.partition(c.topic, c.partition),
          value: JSON.stringify(nextIsrState(c.current.value, c.isr, c.joiningEpochs, c.minIsr)),
        })),
      ),
    );
    return res.succeeded;
  };
  return async (changes) => {
    const written: boolean[] = [];
    for (let from = 0; from < changes.length; from += ISR_CHANGES_PER_TXN_MAX) {
      const chunk = changes.slice(from, from + ISR_CHANGES_PER_TXN_MAX);
      if (await writeTogether(chunk)) written.push(...chunk.map(() => true));
      else if (chunk.length === 1) written.push(false);
      else written.push(...(await Promise.all(chunk.map((c) => writeTogether([c])))));
    }
    return written;
  };
}

/** The state after the leader's ISR change, broker epochs carried over or recorded. */
export function nextIsrState(
  current: PartitionState,
  isr: readonly number[],
  joiningEpochs: ReadonlyMap<number, number>,
  minIsr: number,
): PartitionState {
  const { isrBrokerEpochs: recorded, elr: _elr, elrBrokerEpochs: _elrEpochs, ...rest } = current;
  const isrBrokerEpochs: Record<string, number> = {};
  for (const r of isr) {
    const epoch = joiningEpochs.get(r) ?? recorded?.[String(r)];
    if (epoch !== undefined) isrBrokerEpochs[String(r)] = epoch;
  }
  return {
    ...rest,
    isr: [...isr],
    partitionEpoch: current.partitionEpoch + 1,
    ...(Object.keys(isrBrokerEpochs).length === 0 ? {} : { isrBrokerEpochs }),
    ...nextElr(current, isr, minIsr),
  };
}
