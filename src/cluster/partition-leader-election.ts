/**
 * How the controller changes a partition's leader and ISR when brokers come and go.
 * Pure functions over PartitionState, so the rules are testable without etcd.
 *
 * Clean election only (Kafka's default `unclean.leader.election.enable=false`): a
 * leader is always a replica known to hold every acknowledged record. Which replicas
 * are known to:
 *
 * - **ISR members that kept running.** Each one's broker epoch is recorded when it joins
 *   the ISR (`isrBrokerEpochs`; the leader's in `leaderBrokerEpoch`): its *incarnation*,
 *   the broker epoch of its process's first registration, which a re-registration after
 *   a lost lease keeps and a restart renews (BrokerRecord.incarnation). A member whose
 *   incarnation moved on restarted, and may have lost an unflushed tail in the crash
 *   (KIP-903): it leaves the ISR and is not trusted to lead. A restart between two
 *   reconciliations looks like no change at all in the set of live brokers, which is why
 *   the incarnation, not liveness, has to tell; and a broker that was only paused or cut
 *   from etcd lost nothing, which is why it is not the lease's epoch.
 * - **Eligible leader replicas (KIP-966)**, `elr`: members that left the ISR while it was
 *   smaller than min.insync.replicas. So small an ISR acknowledges no acks=all write, so
 *   they hold every acknowledged record as long as they kept running. The ELR is cleared
 *   once the ISR is back at min.insync.replicas (from then on they miss acknowledged
 *   writes).
 *
 * The rules, in order:
 * 1. A live, trusted leader stays; dead, restarted and storage-failed members leave its
 *    ISR (partition epoch +1).
 * 2. Otherwise the first replica, in assignment order, that is a trusted ISR member, then
 *    a trusted ELR member, leads (leader epoch +1).
 * 3. A broker whose storage failed (`storageFailed`: it cannot write its log directory,
 *    as Kafka treats an offline log directory), or that is shutting down
 *    (`controlledShutdown`, Kafka's controlled shutdown), is trusted but ineligible while
 *    others are: it leaves ISRs and leaderships. With no eligible member left it leads anyway
 *    (its log serves reads, and takes writes again as soon as its disk does), which
 *    beats going offline.
 * 4. No trusted replica alive: **leader recovery**. The partition goes offline (leader -1,
 *    leader epoch +1) and the controller waits until every member of ISR and ELR is
 *    alive, asks each for its log's last leader epoch and end offset, and elects the most
 *    complete log (`electRecovered`): KIP-966's unclean recovery in its balanced mode.
 *    Electing among fewer after a timeout is the operator's opt-in
 *    (`unclean.recovery.timeout.ms`): the in-process simulation (test/sim/) found a
 *    schedule where that loses an acknowledged write a missing member held. A replica
 *    outside both is never elected: it may lack acknowledged writes.
 *
 * Why rule 4 matters: with the ISR at {A, B} a write is acknowledged; A dies (ISR {B},
 * ELR {A}); A restarts; B dies and comes back with a torn tail. Electing B, the last ISR
 * member, would make A truncate the acknowledged write; the most complete log is A's.
 *
 * Invariants: leader epoch and partition epoch never decrease; a leader is always in
 * its own ISR; ISR and ELR never overlap.
 */
import { invariant } from "../common/invariant.js";
import { NO_LEADER, type PartitionState } from "./metadata-records.js";

const NONE: ReadonlySet<number> = new Set();
const NO_EPOCHS: ReadonlyMap<number, number> = new Map();

/** What the controller knows about a partition's replicas when it decides. */
export interface ElectionInputs {
  /** The partition's replicas, preferred leader first. */
  readonly replicas: readonly number[];
  readonly alive: ReadonlySet<number>;
  /** Live brokers that cannot write their log directory. */
  readonly storageFailed?: ReadonlySet<number>;
  /** The live brokers' current incarnations (MetadataImage.brokerIncarnations). */
  readonly brokerEpochs?: ReadonlyMap<number, number>;
  /** The topic's min.insync.replicas (default 1: no ELR). */
  readonly minIsr?: number;
}

export type LeadershipDecision =
  | { readonly kind: "unchanged" }
  | { readonly kind: "changed"; readonly state: PartitionState }
  /**
   * No trusted replica is alive: write `offline` (null when already offline), and elect
   * the most complete log among `candidates` (ISR and ELR) once they answer.
   */
  | { readonly kind: "recover"; readonly offline: PartitionState | null; readonly candidates: readonly number[] };

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

/** The rules above, applied to `state`. */
export function decideLeadership(state: PartitionState, inputs: ElectionInputs): LeadershipDecision {
  const { replicas, alive } = inputs;
  const failed = inputs.storageFailed ?? NONE;
  const epochs = inputs.brokerEpochs ?? NO_EPOCHS;
  const restarted = restartedIsrMembers(state, epochs);
  const trustedIsr = state.isr.filter((b) => alive.has(b) && !restarted.has(b));
  const trustedElr = (state.elr ?? []).filter(
    (b) => alive.has(b) && state.elrBrokerEpochs?.[String(b)] === epochs.get(b),
  );
  const eligible = (list: readonly number[]) => list.filter((b) => !failed.has(b));
  const first = (list: readonly number[]) => replicas.find((r) => list.includes(r));
  const leaderTrusted = state.leader !== NO_LEADER && trustedIsr.includes(state.leader);

  let next: { leader: number; isr: number[] } | undefined;
  if (leaderTrusted && !failed.has(state.leader)) next = { leader: state.leader, isr: eligible(trustedIsr) };
  else {
    const fromIsr = first(eligible(trustedIsr));
    const fromElr = first(eligible(trustedElr));
    if (fromIsr !== undefined) next = { leader: fromIsr, isr: eligible(trustedIsr) };
    else if (fromElr !== undefined) next = { leader: fromElr, isr: [fromElr] };
    else if (leaderTrusted) next = { leader: state.leader, isr: trustedIsr };
    else {
      const failedIsr = first(trustedIsr);
      const failedElr = first(trustedElr);
      if (failedIsr !== undefined) next = { leader: failedIsr, isr: trustedIsr };
      else if (failedElr !== undefined) next = { leader: failedElr, isr: [failedElr] };
    }
  }
  if (next === undefined) {
    const offline =
      state.leader === NO_LEADER
        ? null
        : checked(state, {
            ...state,
            leader: NO_LEADER,
            leaderEpoch: state.leaderEpoch + 1,
            partitionEpoch: state.partitionEpoch + 1,
          });
    return { kind: "recover", offline, candidates: unique([...state.isr, ...(state.elr ?? [])]) };
  }
  const changedLeader = next.leader !== state.leader;
  const elr = nextElr(state, next.isr, inputs.minIsr ?? 1);
  const sameIsr = next.isr.length === state.isr.length && next.isr.every((b) => state.isr.includes(b));
  const sameElr = sameMembers(elr.elr ?? [], state.elr ?? []);
  if (!changedLeader && sameIsr && sameElr) {
    if (isStamped(state, epochs)) return { kind: "unchanged" };
    return {
      kind: "changed",
      state: stampBrokerEpochs({ ...state, partitionEpoch: state.partitionEpoch + 1 }, epochs),
    };
  }
  const { elr: _e, elrBrokerEpochs: _ee, ...rest } = state;
  const after = checked(state, {
    ...rest,
    leader: next.leader,
    leaderEpoch: changedLeader ? state.leaderEpoch + 1 : state.leaderEpoch,
    isr: next.isr,
    partitionEpoch: state.partitionEpoch + 1,
    ...elr,
  });
  // A leader taken from the ELR joins the ISR under the epoch it is trusted with.
  const fromElr = changedLeader && !state.isr.includes(next.leader) ? new Set([next.leader]) : NONE;
  return { kind: "changed", state: stampBrokerEpochs(after, epochs, fromElr) };
}

/**
 * The state after leader recovery elected `winner`, the candidate with the most
 * complete log: it leads alone in a new leader epoch (its current broker epoch recorded);
 * the other candidates stay eligible (ELR) until the ISR is back at min.insync.replicas,
 * since one that did not answer may still hold records the winner lacks.
 */
export function electRecovered(state: PartitionState, winner: number, inputs: ElectionInputs): PartitionState {
  const candidates = unique([...state.isr, ...(state.elr ?? [])]);
  invariant(candidates.includes(winner), () => `recovered leader ${winner} is not one of [${candidates}]`);
  const { elr: _e, elrBrokerEpochs: _ee, ...rest } = state;
  const after = checked(state, {
    ...rest,
    leader: winner,
    leaderEpoch: state.leaderEpoch + 1,
    isr: [winner],
    partitionEpoch: state.partitionEpoch + 1,
    ...nextElr(state, [winner], inputs.minIsr ?? 1),
  });
  return stampBrokerEpochs(after, inputs.brokerEpochs ?? NO_EPOCHS, new Set([winner]));
}

/** A replica's log as leader recovery compares them. */
export interface ReplicaLogEnd {
  readonly brokerId: number;
  /** Leader epoch of the log's last batch; -1 for an empty log. */
  readonly lastEpoch: number;
  readonly logEndOffset: number;
}

/**
 * The most complete of the logs: the latest last epoch, then the longest; ties go to
 * the earlier replica in assignment order. Null for none.
 */
export function mostCompleteLog(logs: readonly ReplicaLogEnd[], replicas: readonly number[]): ReplicaLogEnd | null {
  const rank = (b: number) => {
    const i = replicas.indexOf(b);
    return i < 0 ? replicas.length : i;
  };
  let best: ReplicaLogEnd | null = null;
  for (const log of logs) {
    if (
      best === null ||
      log.lastEpoch > best.lastEpoch ||
      (log.lastEpoch === best.lastEpoch && log.logEndOffset > best.logEndOffset) ||
      (log.lastEpoch === best.lastEpoch &&
        log.logEndOffset === best.logEndOffset &&
        rank(log.brokerId) < rank(best.brokerId))
    )
      best = log;
  }
  return best;
}

/**
 * The ELR once the ISR becomes `isr`: members leaving an ISR smaller than
 * min.insync.replicas join it (with the broker epoch they had in the ISR), members
 * joining the ISR leave it, and an ISR back at min.insync.replicas clears it. The one
 * home of the rule, for the controller and for a leader's own ISR changes.
 */
export function nextElr(
  state: PartitionState,
  isr: readonly number[],
  minIsr: number,
): Pick<PartitionState, "elr" | "elrBrokerEpochs"> {
  if (isr.length >= minIsr) return {};
  const elr = unique([...(state.elr ?? []), ...state.isr.filter((b) => !isr.includes(b))]).filter(
    (b) => !isr.includes(b),
  );
  if (elr.length === 0) return {};
  const epochs: Record<string, number> = {};
  for (const b of elr) {
    const recorded =
      state.elrBrokerEpochs?.[String(b)] ??
      state.isrBrokerEpochs?.[String(b)] ??
      (b === state.leader ? state.leaderBrokerEpoch : undefined);
    if (recorded !== undefined) epochs[String(b)] = recorded;
  }
  return { elr, ...(Object.keys(epochs).length === 0 ? {} : { elrBrokerEpochs: epochs }) };
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

/** Whether the live leader and every live ISR member have their broker epoch recorded. */
function isStamped(state: PartitionState, brokerEpochs: ReadonlyMap<number, number>): boolean {
  if (state.leader !== NO_LEADER && brokerEpochs.has(state.leader) && state.leaderBrokerEpoch === undefined)
    return false;
  return state.isr.every((r) => !brokerEpochs.has(r) || state.isrBrokerEpochs?.[String(r)] !== undefined);
}

/**
 * `state` with broker epochs recorded: the leader's current one, and for each ISR member
 * the one it joined under, or its current one when it has none recorded or is in
 * `accepted` (a member that joins the ISR now). A dead member keeps what was recorded.
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

function unique(list: readonly number[]): number[] {
  return [...new Set(list)];
}

function sameMembers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
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
  invariant(
    !(after.elr ?? []).some((b) => after.isr.includes(b)),
    () => `ELR [${after.elr}] overlaps ISR [${after.isr}]`,
  );
  return after;
}

/** A partition state change in one log line. */
export function describeStateChange(key: string, before: PartitionState, after: PartitionState): string {
  const elr = before.elr?.length || after.elr?.length ? `, elr [${before.elr ?? []}] -> [${after.elr ?? []}]` : "";
  return `${key}: leader ${before.leader} -> ${after.leader} (epoch ${before.leaderEpoch} -> ${after.leaderEpoch}), isr [${before.isr}] -> [${after.isr}]${elr}`;
}
