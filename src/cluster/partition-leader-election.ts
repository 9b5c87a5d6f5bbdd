/**
 * How the controller changes a partition's leader and ISR when brokers come and go.
 * Pure functions over PartitionState, so the rules are testable without etcd.
 *
 * Rules (clean election only, as Kafka's default `unclean.leader.election.enable=false`):
 * - A leader that is alive stays leader; dead brokers leave its ISR (partition epoch +1).
 * - A dead leader is replaced by the first replica, in assignment order, that is in the
 *   ISR and alive (leader epoch +1, partition epoch +1); dead brokers leave the ISR.
 * - No live ISR member: the partition goes offline (leader -1, leader epoch +1) and the
 *   ISR is kept as it was, so the first of those replicas to come back is elected. A
 *   replica outside the ISR is never elected: it may lack acknowledged writes.
 *
 * Invariants: leader epoch and partition epoch never decrease; a leader is always in
 * its own ISR.
 */
import { invariant } from "../common/invariant.js";
import { NO_LEADER, type PartitionState } from "./metadata-records.js";

export function initialPartitionState(
  topicId: string,
  replicas: readonly number[],
  alive: ReadonlySet<number>,
): PartitionState {
  const isr = replicas.filter((r) => alive.has(r));
  return {
    topicId,
    leader: isr[0] ?? NO_LEADER,
    leaderEpoch: 0,
    isr: isr.length > 0 ? isr : [...replicas],
    partitionEpoch: 0,
  };
}

/** The state after a change in live brokers, or null when nothing needs to change. */
export function electOnBrokerChange(
  state: PartitionState,
  replicas: readonly number[],
  alive: ReadonlySet<number>,
): PartitionState | null {
  const liveIsr = state.isr.filter((b) => alive.has(b));
  if (state.leader !== NO_LEADER && alive.has(state.leader)) {
    if (liveIsr.length === state.isr.length) return null;
    return checked(state, { ...state, isr: liveIsr, partitionEpoch: state.partitionEpoch + 1 });
  }
  const candidate = replicas.find((r) => liveIsr.includes(r));
  if (candidate !== undefined) {
    return checked(state, {
      ...state,
      leader: candidate,
      leaderEpoch: state.leaderEpoch + 1,
      isr: liveIsr,
      partitionEpoch: state.partitionEpoch + 1,
    });
  }
  if (state.leader === NO_LEADER) return null;
  return checked(state, {
    ...state,
    leader: NO_LEADER,
    leaderEpoch: state.leaderEpoch + 1,
    partitionEpoch: state.partitionEpoch + 1,
  });
}

export type PreferredElection =
  | { kind: "elected"; state: PartitionState }
  | { kind: "not-needed" }
  | { kind: "not-available"; why: string };

/** Moves leadership to the preferred (first) replica when it is alive and in the ISR. */
export function electPreferred(
  state: PartitionState,
  replicas: readonly number[],
  alive: ReadonlySet<number>,
): PreferredElection {
  const preferred = replicas[0];
  invariant(preferred !== undefined, "a partition has at least one replica");
  if (state.leader === preferred) return { kind: "not-needed" };
  if (!alive.has(preferred)) return { kind: "not-available", why: `preferred replica ${preferred} is not alive` };
  if (!state.isr.includes(preferred))
    return { kind: "not-available", why: `preferred replica ${preferred} is not in the ISR` };
  return {
    kind: "elected",
    state: checked(state, {
      ...state,
      leader: preferred,
      leaderEpoch: state.leaderEpoch + 1,
      partitionEpoch: state.partitionEpoch + 1,
    }),
  };
}

function checked(before: PartitionState, after: PartitionState): PartitionState {
  invariant(
    after.leaderEpoch >= before.leaderEpoch,
    () => `leader epoch regression ${before.leaderEpoch} -> ${after.leaderEpoch}`,
  );
  invariant(
    after.partitionEpoch > before.partitionEpoch,
    () => `partition epoch did not grow past ${before.partitionEpoch}`,
  );
  invariant(
    after.leader === NO_LEADER || after.isr.includes(after.leader),
    () => `leader ${after.leader} is not in ISR ${after.isr}`,
  );
  return after;
}
