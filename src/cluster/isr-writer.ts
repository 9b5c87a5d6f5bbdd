/**
 * The leader's own changes to its partition's ISR, written to etcd by compare-and-swap
 * on the partition state's mod revision: if the controller (a new leader, a shrink for a
 * dead broker) or anyone else changed the state since the leader read it, the write
 * fails and the leader re-reads before trying again. The leader and its epoch are
 * carried over unchanged; the partition epoch grows.
 */
import type { Versioned } from "./metadata-image.js";
import { keys, type PartitionState } from "./metadata-records.js";
import { type MetadataStore, unavailableOnError } from "./metadata-store.js";

export type IsrWriter = (
  topic: string,
  partition: number,
  current: Versioned<PartitionState>,
  isr: readonly number[],
) => Promise<boolean>;

export function etcdIsrWriter(store: MetadataStore): IsrWriter {
  return async (topic, partition, current, isr) => {
    const key = keys.partition(topic, partition);
    const next: PartitionState = { ...current.value, isr: [...isr], partitionEpoch: current.value.partitionEpoch + 1 };
    const res = await unavailableOnError("write ISR", () =>
      store.ns
        .if(key, "Mod", "==", current.modRevision)
        .then(store.ns.put(key).value(JSON.stringify(next)))
        .commit(),
    );
    return res.succeeded;
  };
}
