/**
 * Which broker a fault hits: the leader of a partition of the workload's topics, the
 * controller, the coordinator of one of its transactional ids, or any broker. Roles come
 * from the cluster's metadata at the moment of the choice; only running brokers are
 * chosen (a broker is down only while a fault of ours lasts, and faults do not overlap).
 */
import type { BrokerTarget, LocalClusterControl } from "../cluster/types.js";
import type { Random } from "../random.js";

export interface TargetContext {
  readonly cluster: LocalClusterControl;
  readonly random: Random;
  readonly topics: readonly string[];
  readonly transactionalIds: readonly string[];
}

export type Chosen = { id: number; role: string } | { skipped: string };

/** The targets that make sense with what the run gave (no coordinator without transactional ids). */
export function usableTargets(targets: readonly BrokerTarget[], ctx: TargetContext): BrokerTarget[] {
  return targets.filter((t) => t !== "coordinator" || ctx.transactionalIds.length > 0);
}

function running(ctx: TargetContext): number[] {
  return ctx.cluster.brokerIds.filter((id) => ctx.cluster.brokerPid(id) !== null);
}

export async function chooseBroker(target: BrokerTarget, ctx: TargetContext): Promise<Chosen> {
  const up = running(ctx);
  if (up.length === 0) return { skipped: "no broker is running" };
  switch (target) {
    case "random":
      return { id: ctx.random.pick(up), role: "a random broker" };
    case "controller": {
      const id = await ctx.cluster.controllerId();
      if (id === null || !up.includes(id)) return { skipped: "no controller known" };
      return { id, role: "the controller" };
    }
    case "leader": {
      const led = (await ctx.cluster.partitionsOf(ctx.topics)).filter(
        (p) => p.leader !== null && up.includes(p.leader),
      );
      if (led.length === 0) return { skipped: `no leader known for ${ctx.topics.join(", ") || "any topic"}` };
      const p = ctx.random.pick(led);
      return { id: p.leader as number, role: `the leader of ${p.topic}-${p.partition}` };
    }
    case "coordinator": {
      if (ctx.transactionalIds.length === 0) return { skipped: "no transactional ids to find a coordinator for" };
      const txnId = ctx.random.pick(ctx.transactionalIds);
      const id = await ctx.cluster.transactionCoordinatorOf(txnId);
      if (id === null || !up.includes(id)) return { skipped: `no coordinator known for ${txnId}` };
      return { id, role: `the coordinator of ${txnId}` };
    }
    default:
      throw new RangeError(`unknown broker target ${String(target)}`);
  }
}
