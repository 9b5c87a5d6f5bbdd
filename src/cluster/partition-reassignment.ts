/**
 * Moving a partition to new replicas (Kafka's partition reassignment, KIP-455), as pure
 * functions over the topic's assignment and the partition state, so the rules are
 * testable without etcd.
 *
 * A move never shrinks what holds the data before it has grown: while a partition is
 * reassigned, its replica list is the union of the original and the target replicas
 * (`replicasDuring`), so the replicas being added are created on their brokers, fetch
 * from the leader and join the ISR the usual way, while the ones being removed keep
 * serving. The move completes (`completeReassignment`) only once every target replica is
 * in the ISR, so each holds every acknowledged record: then the replica list becomes the
 * target, the removed replicas leave the ISR, and if the leader is one of them leadership
 * moves to a target replica in the same state change (leader epoch +1). The brokers that
 * are no longer assigned delete their logs when they see it.
 *
 * Cancelling (`cancelReassignment`) goes back to the original replicas: the ones added
 * leave the ISR (and leadership, if one of them leads). It is refused when no original
 * replica is a trusted, live ISR member to lead, since going back would take the
 * partition offline.
 */
import { invariant } from "../common/invariant.js";
import { NO_LEADER, type PartitionState } from "./metadata-records.js";
import { type ElectionInputs, nextElr, restartedIsrMembers, stampBrokerEpochs } from "./partition-leader-election.js";

export interface Reassignment {
  readonly original: readonly number[];
  readonly target: readonly number[];
}

/** The replica list while `r` runs: the target first (its first replica is the preferred leader), then those leaving. */
export function replicasDuring(r: Reassignment): number[] {
  return [...new Set([...r.target, ...r.original])];
}

/** Replicas the move adds. */
export function addingReplicas(r: Reassignment): number[] {
  return r.target.filter((b) => !r.original.includes(b));
}

/** Replicas the move removes. */
export function removingReplicas(r: Reassignment): number[] {
  return r.original.filter((b) => !r.target.includes(b));
}

/**
 * Why `target` cannot be a partition's new replica list, or null: it must be a non-empty
 * list of distinct registered brokers, at least min.insync.replicas long (shorter, every
 * acks=all write would fail once the move completes).
 */
export function targetProblem(
  target: readonly number[],
  registered: ReadonlySet<number>,
  minIsr: number,
): string | null {
  if (target.length === 0) return "the target replica list is empty";
  if (!target.every((b) => Number.isSafeInteger(b) && b >= 0)) return `broker ids must be non-negative integers`;
  if (new Set(target).size !== target.length) return `the target replica list [${target}] names a broker twice`;
  const unknown = target.filter((b) => !registered.has(b));
  if (unknown.length > 0) return `broker(s) ${unknown.join(", ")} are not registered`;
  if (target.length < minIsr)
    return `${target.length} replica(s) is fewer than the topic's min.insync.replicas (${minIsr})`;
  return null;
}

export type ReassignmentStep =
  | { readonly kind: "wait"; readonly why: string }
  | { readonly kind: "done"; readonly replicas: readonly number[]; readonly state: PartitionState };

/**
 * The step that completes `r` on a partition in `state`, or why it must wait: a target
 * replica is not in the ISR yet, or no target replica can take over from a leader that
 * is being removed.
 */
export function completeReassignment(state: PartitionState, r: Reassignment, inputs: ElectionInputs): ReassignmentStep {
  const missing = r.target.filter((b) => !state.isr.includes(b));
  if (missing.length > 0) return { kind: "wait", why: `replica(s) ${missing.join(", ")} not in the ISR yet` };
  return settle(state, r.target, inputs, "no target replica can lead yet");
}

export type CancelStep = { readonly kind: "refused"; readonly why: string } | ReassignmentStep;

/** The step that returns a partition in `state` to `r.original`. */
export function cancelReassignment(state: PartitionState, r: Reassignment, inputs: ElectionInputs): CancelStep {
  const step = settle(state, r.original, inputs, "");
  if (step.kind === "wait") {
    return {
      kind: "refused",
      why: `no original replica (${r.original.join(", ")}) is a live in-sync replica to lead; let the reassignment finish`,
    };
  }
  return step;
}

/**
 * `state` with `replicas` as the partition's whole replica list: the others leave ISR and
 * ELR, and a leader among them hands over to the first of `replicas` that is a trusted,
 * eligible, live ISR member.
 */
function settle(
  state: PartitionState,
  replicas: readonly number[],
  inputs: ElectionInputs,
  why: string,
): ReassignmentStep {
  if (state.leader === NO_LEADER) return { kind: "wait", why: "the partition has no leader" };
  const epochs = inputs.brokerEpochs ?? new Map<number, number>();
  const failed = inputs.storageFailed ?? new Set<number>();
  const restarted = restartedIsrMembers(state, epochs);
  const trusted = (b: number) => state.isr.includes(b) && inputs.alive.has(b) && !restarted.has(b);
  const leader =
    replicas.includes(state.leader) && trusted(state.leader)
      ? state.leader
      : replicas.find((b) => trusted(b) && !failed.has(b));
  if (leader === undefined) return { kind: "wait", why };
  const isr = state.isr.filter((b) => replicas.includes(b));
  const kept = <T>(rec: Readonly<Record<string, T>> | undefined): Record<string, T> | undefined => {
    if (!rec) return undefined;
    const out = Object.fromEntries(Object.entries(rec).filter(([b]) => replicas.includes(Number(b))));
    return Object.keys(out).length > 0 ? out : undefined;
  };
  const { elr: _e, elrBrokerEpochs: _ee, isrBrokerEpochs: _i, ...rest } = state;
  const elr = (state.elr ?? []).filter((b) => replicas.includes(b));
  const elrEpochs = kept(state.elrBrokerEpochs);
  const isrEpochs = kept(state.isrBrokerEpochs);
  const narrowed: PartitionState = {
    ...rest,
    isr,
    ...(isrEpochs ? { isrBrokerEpochs: isrEpochs } : {}),
    ...(elr.length > 0 ? { elr } : {}),
    ...(elrEpochs && elr.length > 0 ? { elrBrokerEpochs: elrEpochs } : {}),
  };
  const changedLeader = leader !== state.leader;
  const { elr: _ne, elrBrokerEpochs: _nee, ...withoutElr } = narrowed;
  const after = stampBrokerEpochs(
    {
      ...withoutElr,
      ...nextElr(narrowed, isr, inputs.minIsr ?? 1),
      leader,
      leaderEpoch: changedLeader ? state.leaderEpoch + 1 : state.leaderEpoch,
      partitionEpoch: state.partitionEpoch + 1,
    },
    epochs,
  );
  invariant(after.isr.includes(after.leader), () => `reassigned leader ${after.leader} is not in ISR [${after.isr}]`);
  invariant(
    after.isr.every((b) => replicas.includes(b)),
    () => `ISR [${after.isr}] has a replica outside [${replicas}]`,
  );
  return { kind: "done", replicas: [...replicas], state: after };
}
