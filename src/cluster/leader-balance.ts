/**
 * Automatic preferred-leader balancing (Kafka's `auto.leader.rebalance.enable`). After a
 * broker restarts, the leaderships it lost stay on the brokers that took them over, so
 * one broker carries more of the load than its share. Every check interval the controller
 * looks, per broker, at the partitions whose preferred replica (the first in the replica
 * list) it is: when more than `leader.imbalance.per.broker.percentage` of them are led by
 * someone else, it runs a preferred-leader election for those it can lead now: alive,
 * eligible (storage writable, not shutting down), in the ISR, and the same incarnation
 * that joined it.
 */
import type { MetadataImage } from "./metadata-image.js";
import { restartedIsrMembers } from "./partition-leader-election.js";

/** The partitions to move back to their preferred replica, by topic; empty when balanced. */
export function imbalancedPartitions(
  image: MetadataImage,
  thresholdPercent: number,
): { topic: string; partitions: number[] }[] {
  const alive = image.liveBrokerIds();
  const ineligible = image.ineligibleBrokers();
  const incarnations = image.brokerIncarnations();
  const preferredCount = new Map<number, number>();
  const movable = new Map<number, { topic: string; partition: number }[]>();
  const offPreferred = new Map<number, number>();
  for (const topic of image.topics.keys()) {
    for (const { partition, replicas, state } of image.partitionsOf(topic)) {
      const preferred = replicas[0];
      if (preferred === undefined || !state) continue;
      preferredCount.set(preferred, (preferredCount.get(preferred) ?? 0) + 1);
      if (state.value.leader === preferred) continue;
      offPreferred.set(preferred, (offPreferred.get(preferred) ?? 0) + 1);
      const ready =
        alive.has(preferred) &&
        !ineligible.has(preferred) &&
        state.value.isr.includes(preferred) &&
        !restartedIsrMembers(state.value, incarnations).has(preferred);
      if (ready) movable.set(preferred, [...(movable.get(preferred) ?? []), { topic, partition }]);
    }
  }
  const byTopic = new Map<string, number[]>();
  for (const [broker, total] of preferredCount) {
    const off = offPreferred.get(broker) ?? 0;
    if ((off * 100) / total <= thresholdPercent) continue;
    for (const { topic, partition } of movable.get(broker) ?? [])
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}
