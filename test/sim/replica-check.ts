/** One replica's records, as the checks below compare them. */
export interface ReplicaRecords {
  readonly brokerId: number;
  readonly records: readonly { readonly offset: number; readonly value: string }[];
}

/**
 * What is wrong with the settled replicas of one partition, each a sentence starting with
 * `prefix` and naming the broker: a value stored twice, an acknowledged record missing
 * from its offset, or a follower holding anything the leader does not (a divergence the
 * epochs did not reveal shows here even before it loses a write).
 */
export function replicaAnomalies(
  leaderId: number,
  replicas: readonly ReplicaRecords[],
  acked: ReadonlyMap<number, string>,
  prefix = "",
): string[] {
  const anomalies: string[] = [];
  const leader = replicas.find((r) => r.brokerId === leaderId);
  const leaderStored = new Map((leader?.records ?? []).map((r) => [r.offset, r.value]));
  for (const { brokerId, records } of replicas) {
    const stored = new Map(records.map((r) => [r.offset, r.value]));
    const seen = new Map<string, number>();
    for (const r of records) {
      const first = seen.get(r.value);
      if (first !== undefined)
        anomalies.push(`${prefix}broker ${brokerId}: ${r.value} stored twice, at ${first} and ${r.offset}`);
      seen.set(r.value, r.offset);
    }
    for (const [offset, value] of acked)
      if (stored.get(offset) !== value)
        anomalies.push(
          `${prefix}broker ${brokerId}: ${value} acknowledged at ${offset}, stored there: ${stored.get(offset) ?? "nothing"}`,
        );
    if (!leader || brokerId === leaderId) continue;
    const diff = records.find((r) => leaderStored.get(r.offset) !== r.value);
    if (diff)
      anomalies.push(
        `${prefix}broker ${brokerId}: holds ${diff.value} at ${diff.offset}, the leader ${leaderStored.get(diff.offset) ?? "nothing"}`,
      );
  }
  return anomalies;
}
