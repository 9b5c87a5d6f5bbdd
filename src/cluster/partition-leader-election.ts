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
 * - A live broker whose storage failed (`storageFailed` in its registration: it cannot
 *   write its log directory) is ineligible, as Kafka treats a replica in an offline log
 *   directory: it leaves every ISR and loses its leaderships to the next eligible ISR
 *   member (leader epoch +1). With no eligible ISR member left it stays leader (or, when
 *   the leader died, a live failed ISR member is elected): its log still holds every
 *   acknowledged write and serves reads, and takes writes again as soon as its disk
 *   does, which beats going offline. Once the flag clears nothing happens here: its
 *   replicas catch up and rejoin ISRs through the leaders' normal ISR expansion.
 *
 * - A leader that restarted since it was elected (its broker epoch differs from the
 *   state's `leaderBrokerEpoch`) is treated as ineligible, as KIP-903 treats a replica
 *   whose broker epoch changed: it may have lost an unflushed tail in the crash, and
 *   resuming leadership in the same leader epoch would make the followers truncate the
 *   acknowledged records it lost. The next eligible ISR member leads; with none, it
 *   leads again in a new leader epoch (followers then check their logs against it).
 *   A restart between two reconciliations looks like no change at all in the set of
 *   live brokers, which is why the epoch, not liveness, has to tell.
 *
 * Invariants: leader epoch and partition epoch never decrease; a leader is always in
 * its own ISR.
 */
import { invariant } from "../common/invariant.js";
import { NO_LEADER, type PartitionState } from "./metadata-records.js";

const NONE: ReadonlySet<number> = new Set();

export function initialPartitionState(
  topicId: string,
  replicas: readonly number[],
  alive: ReadonlySet<number>,
  storageFailed: ReadonlySet<number> = NONE,
): PartitionState {
  const live = replicas.filter((r) => alive.has(r));
  const eligible = live.filter((r) => !storageFailed.has(r));
  const isr = eligible.length > 0 ? eligible : live;
  return {
    topicId,
    leader: isr[0] ?? NO_LEADER,
    leaderEpoch: 0,
    isr: isr.length > 0 ? isr : [...replicas],
    partitionEpoch: 0,
  };
}

/**
 * The state after a change in live brokers (or in which of them cannot write their
 * storage), or null when nothing needs to change.
 */
export function electOnBrokerChange(
  state: PartitionState,
  replicas: readonly number[],
  alive: ReadonlySet<number>,
  storageFailed: ReadonlySet<number> = NONE,
): PartitionState | null {
  const liveIsr = state.isr.filter((b) => alive.has(b));
  const eligibleIsr = liveIsr.filter((b) => !storageFailed.has(b));
  const leaderAlive = state.leader !== NO_LEADER && alive.has(state.leader);
  if (leaderAlive && !storageFailed.has(state.leader)) {
    if (eligibleIsr.length === state.isr.length) return null;
    return checked(state, { ...state, isr: eligibleIsr, partitionEpoch: state.partitionEpoch + 1 });
  }
  const candidate = replicas.find((r) => eligibleIsr.includes(r));
  if (candidate !== undefined) {
    return checked(state, {
      ...state,
      leader: candidate,
      leaderEpoch: state.leaderEpoch + 1,
      isr: eligibleIsr,
      partitionEpoch: state.partitionEpoch + 1,
    });
  }
  // No eligible ISR member: a live leader whose storage failed stays; a dead one is
  // replaced by a live ISR member even if its storage failed, rather than go offline.
  if (leaderAlive) {
    if (liveIsr.length === state.isr.length) return null;
    return checked(state, { ...state, isr: liveIsr, partitionEpoch: state.partitionEpoch + 1 });
  }
  const lastResort = replicas.find((r) => liveIsr.includes(r));
  if (lastResort !== undefined) {
    return checked(state, {
      ...state,
      leader: lastResort,
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

/**
 * electOnBrokerChange, with a restarted leader ineligible (see the rules above) and the
 * leader's broker epoch stamped on every state that names a leader. `brokerEpochs`: the
 * live brokers' current epochs.
 */
export function electWithBrokerEpochs(
  state: PartitionState,
  replicas: readonly number[],
  alive: ReadonlySet<number>,
  storageFailed: ReadonlySet<number>,
  brokerEpochs: ReadonlyMap<number, number>,
): PartitionState | null {
  const current = state.leader === NO_LEADER ? undefined : brokerEpochs.get(state.leader);
  const restarted =
    current !== undefined && state.leaderBrokerEpoch !== undefined && state.leaderBrokerEpoch !== current;
  const ineligible = restarted ? new Set([...storageFailed, state.leader]) : storageFailed;
  const next = electOnBrokerChange(state, replicas, alive, ineligible);
  if (next) {
    // Kept as leader (no one else eligible): still a new leader epoch.
    const bump = restarted && next.leader === state.leader && next.leaderEpoch === state.leaderEpoch;
    return stampLeaderEpoch(bump ? { ...next, leaderEpoch: next.leaderEpoch + 1 } : next, brokerEpochs);
  }
  if (!restarted && (state.leader === NO_LEADER || state.leaderBrokerEpoch !== undefined)) return null;
  // A restarted leader with no eligible ISR member to take over leads again, in a new
  // leader epoch; or a state from before broker epochs were recorded gets its stamp.
  return stampLeaderEpoch(
    checked(state, {
      ...state,
      leaderEpoch: restarted ? state.leaderEpoch + 1 : state.leaderEpoch,
      partitionEpoch: state.partitionEpoch + 1,
    }),
    brokerEpochs,
  );
}

/** `state` with its leader's current broker epoch recorded (none when it has no live leader). */
export function stampLeaderEpoch(state: PartitionState, brokerEpochs: ReadonlyMap<number, number>): PartitionState {
  const { leaderBrokerEpoch: _old, ...rest } = state;
  const epoch = state.leader === NO_LEADER ? undefined : brokerEpochs.get(state.leader);
  return epoch === undefined ? rest : { ...rest, leaderBrokerEpoch: epoch };
}

export type PreferredElection =
  | { kind: "elected"; state: PartitionState }
  | { kind: "not-needed" }
  | { kind: "not-available"; why: string };

/**
 * Moves leadership to the preferred (first) replica when it is alive, can write its
 * storage, and is in the ISR.
 */
export function electPreferred(
  state: PartitionState,
  replicas: readonly number[],
  alive: ReadonlySet<number>,
  storageFailed: ReadonlySet<number> = NONE,
): PreferredElection {
  const preferred = replicas[0];
  invariant(preferred !== undefined, "a partition has at least one replica");
  if (state.leader === preferred) return { kind: "not-needed" };
  if (!alive.has(preferred)) return { kind: "not-available", why: `preferred replica ${preferred} is not alive` };
  if (storageFailed.has(preferred))
    return { kind: "not-available", why: `preferred replica ${preferred} cannot write its log directory` };
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
