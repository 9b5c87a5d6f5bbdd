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
 * - The same holds for every ISR member (KIP-903): each one's broker epoch is recorded
 *   when it joins the ISR (`isrBrokerEpochs`: by the controller here, by the leader when
 *   it expands the ISR, with the epoch the follower fetched under). A follower whose
 *   epoch moved on restarted and may have lost acknowledged records it had: it leaves
 *   the ISR and cannot be elected while an ISR member that kept running can; it rejoins
 *   through the leader's ISR expansion once caught up. Only when no other eligible
 *   member is left is a restarted one kept (and its new epoch accepted), as a failed
 *   storage is.
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
 * Live ISR members whose broker epoch is not the one recorded when they joined the ISR
 * (or, for the leader, when it was elected): they restarted since. `brokerEpochs`: the
 * live brokers' current epochs.
 */
export function restartedIsrMembers(state: PartitionState, brokerEpochs: ReadonlyMap<number, number>): Set<number> {
  const restarted = new Set<number>();
  for (const r of state.isr) {
    const current = brokerEpochs.get(r);
    if (current === undefined) continue;
    const recorded = [state.isrBrokerEpochs?.[String(r)], r === state.leader ? state.leaderBrokerEpoch : undefined];
    if (recorded.some((e) => e !== undefined && e !== current)) restarted.add(r);
  }
  return restarted;
}

/**
 * electOnBrokerChange, with restarted ISR members ineligible (see the rules above) and
 * broker epochs stamped on the result. `brokerEpochs`: the live brokers' current epochs.
 */
export function electWithBrokerEpochs(
  state: PartitionState,
  replicas: readonly number[],
  alive: ReadonlySet<number>,
  storageFailed: ReadonlySet<number>,
  brokerEpochs: ReadonlyMap<number, number>,
): PartitionState | null {
  const restarted = restartedIsrMembers(state, brokerEpochs);
  const leaderRestarted = restarted.has(state.leader);
  const ineligible = restarted.size > 0 ? new Set([...storageFailed, ...restarted]) : storageFailed;
  const next = electOnBrokerChange(state, replicas, alive, ineligible);
  if (next) {
    // Kept as leader (no one else eligible): still a new leader epoch.
    const bump = leaderRestarted && next.leader === state.leader && next.leaderEpoch === state.leaderEpoch;
    return stampBrokerEpochs(bump ? { ...next, leaderEpoch: next.leaderEpoch + 1 } : next, brokerEpochs, restarted);
  }
  if (restarted.size === 0 && isStamped(state, brokerEpochs)) return null;
  // Restarted members kept for want of others (a restarted leader leads again, in a new
  // leader epoch), or a state from before broker epochs were recorded: new stamps.
  return stampBrokerEpochs(
    checked(state, {
      ...state,
      leaderEpoch: leaderRestarted ? state.leaderEpoch + 1 : state.leaderEpoch,
      partitionEpoch: state.partitionEpoch + 1,
    }),
    brokerEpochs,
    restarted,
  );
}

/** Whether the live leader and every live ISR member have their broker epoch recorded. */
function isStamped(state: PartitionState, brokerEpochs: ReadonlyMap<number, number>): boolean {
  if (state.leader !== NO_LEADER && brokerEpochs.has(state.leader) && state.leaderBrokerEpoch === undefined)
    return false;
  return state.isr.every((r) => !brokerEpochs.has(r) || state.isrBrokerEpochs?.[String(r)] !== undefined);
}

/**
 * `state` with broker epochs recorded: the leader's current one, and for each ISR member
 * the one it joined under, or its current one when it has none recorded or is in
 * `accepted` (a restarted member kept for want of others). A dead member keeps what was
 * recorded.
 */
export function stampBrokerEpochs(
  state: PartitionState,
  brokerEpochs: ReadonlyMap<number, number>,
  accepted: ReadonlySet<number> = NONE,
): PartitionState {
  const { leaderBrokerEpoch: _leader, isrBrokerEpochs: recorded, ...rest } = state;
  const isrBrokerEpochs: Record<string, number> = {};
  for (const r of state.isr) {
    const kept = recorded?.[String(r)];
    const epoch = kept === undefined || accepted.has(r) ? (brokerEpochs.get(r) ?? kept) : kept;
    if (epoch !== undefined) isrBrokerEpochs[String(r)] = epoch;
  }
  const leaderEpoch = state.leader === NO_LEADER ? undefined : brokerEpochs.get(state.leader);
  return {
    ...rest,
    ...(leaderEpoch === undefined ? {} : { leaderBrokerEpoch: leaderEpoch }),
    ...(Object.keys(isrBrokerEpochs).length === 0 ? {} : { isrBrokerEpochs }),
  };
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

/** A partition state change in one log line. */
export function describeStateChange(key: string, before: PartitionState, after: PartitionState): string {
  return `${key}: leader ${before.leader} -> ${after.leader} (epoch ${before.leaderEpoch} -> ${after.leaderEpoch}), isr [${before.isr}] -> [${after.isr}]`;
}
