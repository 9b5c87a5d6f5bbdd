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

export type IsrWriter = (
  topic: string,
  partition: number,
  current: Versioned<PartitionState>,
  isr: readonly number[],
  /** Broker epochs of joining members, by id (absent: not known). */
  joiningEpochs: ReadonlyMap<number, number>,
  /** The topic's min.insync.replicas: members leaving a smaller ISR become eligible leader replicas. */
  minIsr: number,
) => Promise<boolean>;

export function etcdIsrWriter(store: MetadataKv): IsrWriter {
  return async (topic, partition, current, isr, joiningEpochs, minIsr) => {
    const key = keys.partition(topic, partition);
    const next = nextIsrState(current.value, isr, joiningEpochs, minIsr);
    const res = await unavailableOnError("write ISR", () =>
      store.txn(
        [{ key, target: "Mod", value: current.modRevision }],
        [{ kind: "put", key, value: JSON.stringify(next) }],
      ),
    );
    return res.succeeded;
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
