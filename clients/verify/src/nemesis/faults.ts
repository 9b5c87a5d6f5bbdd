/**
 * The faults, one entry per FaultKind: which targets it can take, how it starts, how long
 * it holds, and how it ends. A fault that starts returns an ActiveFault whose `end()`
 * undoes it (restart, resume, heal, free, set the clock back); the nemesis calls `end()`
 * after `holdMs`, or at once when stopped. A fault that cannot find a target returns
 * `{ skipped }`, having changed nothing.
 *
 *   kind              targets                              holds
 *   kill              leader, controller, coordinator, any faultMs, then restart
 *   pause             leader, controller, coordinator, any past the session timeout, then SIGCONT
 *   etcd-kill         etcd                                 faultMs, then restart on its data
 *   etcd-pause        etcd                                 faultMs, then SIGCONT
 *   partition-leader  leader (of a partition of `topics`)  faultMs: cut from its followers only
 *   partition-etcd    controller, leader, coordinator, any faultMs: cut from etcd only
 *   partition-split   a minority holding the target        faultMs: minority cut from majority + etcd
 *   disk-full         leader, controller, any              faultMs with the tmpfs full
 *   clock-jump        leader, controller, coordinator, any faultMs (>= a clock re-read) ±1 h
 *   torn-tail         leader, any                          kill, tear, restart at once
 */
import { FAKE_CLOCK_SETTLE_MS } from "../cluster/fake-clock.js";
import type { BrokerTarget, FaultKind, NetworkCut } from "../cluster/types.js";
import { type Chosen, chooseBroker, type TargetContext } from "./targets.js";
import { tearTail } from "./torn-tail.js";

/** A pause outlives the session timeout by this much, so the broker surely loses its registration. */
export const PAUSE_MARGIN_MS = 1_000;
/** How far a clock jumps. */
export const CLOCK_JUMP_MS = 3_600_000;

export interface FaultContext extends TargetContext {
  readonly faultMs: number;
}

export interface ActiveFault {
  /** "broker 2", "etcd", "1,2 | 3". */
  readonly target: string;
  readonly detail: string;
  readonly holdMs: number;
  /** Undoes the fault; returns what it found worth saying ("back as pid 4242"). */
  end(): Promise<string | undefined>;
}

export type Begun = ActiveFault | { skipped: string };

export interface FaultSpec {
  /** Broker targets to draw from; empty for faults whose target is fixed (etcd). */
  readonly targets: readonly BrokerTarget[];
  begin(ctx: FaultContext, target: BrokerTarget | null): Promise<Begun>;
}

const ANY: readonly BrokerTarget[] = ["leader", "controller", "coordinator", "random"];

/** Picks the broker, or passes the skip on. */
async function withBroker(
  ctx: FaultContext,
  target: BrokerTarget | null,
  act: (id: number, role: string) => Promise<Begun>,
): Promise<Begun> {
  const chosen: Chosen = await chooseBroker(target ?? "random", ctx);
  return "skipped" in chosen ? chosen : act(chosen.id, chosen.role);
}

async function healAll(cuts: readonly NetworkCut[]): Promise<undefined> {
  for (const cut of cuts) await cut.heal();
  return undefined;
}

export const FAULTS: Readonly<Record<FaultKind, FaultSpec>> = {
  kill: {
    targets: ANY,
    begin: (ctx, target) =>
      withBroker(ctx, target, async (id, role) => {
        const pid = ctx.cluster.brokerPid(id);
        await ctx.cluster.killBroker(id);
        return {
          target: `broker ${id}`,
          detail: `${role}: pid ${pid} killed (SIGKILL)`,
          holdMs: ctx.faultMs,
          end: async () => {
            await ctx.cluster.restartBroker(id);
            return `back as pid ${ctx.cluster.brokerPid(id)}`;
          },
        };
      }),
  },
  pause: {
    targets: ANY,
    begin: (ctx, target) =>
      withBroker(ctx, target, async (id, role) => {
        await ctx.cluster.pauseBroker(id);
        const holdMs = Math.max(ctx.faultMs, ctx.cluster.sessionTimeoutMs + PAUSE_MARGIN_MS);
        return {
          target: `broker ${id}`,
          detail: `${role}: SIGSTOP for ${holdMs} ms (session timeout ${ctx.cluster.sessionTimeoutMs} ms)`,
          holdMs,
          end: async () => {
            await ctx.cluster.resumeBroker(id);
            return undefined;
          },
        };
      }),
  },
  "etcd-kill": {
    targets: [],
    begin: async (ctx) => {
      const pid = ctx.cluster.etcdPid();
      await ctx.cluster.killEtcd();
      return {
        target: "etcd",
        detail: `pid ${pid} killed (SIGKILL)`,
        holdMs: ctx.faultMs,
        end: async () => {
          await ctx.cluster.restartEtcd();
          return `back as pid ${ctx.cluster.etcdPid()}`;
        },
      };
    },
  },
  "etcd-pause": {
    targets: [],
    begin: async (ctx) => {
      await ctx.cluster.pauseEtcd();
      return {
        target: "etcd",
        detail: `SIGSTOP for ${ctx.faultMs} ms`,
        holdMs: ctx.faultMs,
        end: async () => {
          await ctx.cluster.resumeEtcd();
          return undefined;
        },
      };
    },
  },
  "partition-leader": {
    targets: ["leader"],
    begin: async (ctx) => {
      const up = ctx.cluster.brokerIds.filter((id) => ctx.cluster.brokerPid(id) !== null);
      const candidates = (await ctx.cluster.partitionsOf(ctx.topics)).filter(
        (p) => p.leader !== null && up.includes(p.leader) && p.replicas.some((r) => r !== p.leader),
      );
      if (candidates.length === 0) {
        return { skipped: `no replicated partition of ${ctx.topics.join(", ") || "any topic"} with a known leader` };
      }
      const p = ctx.random.pick(candidates);
      const leader = p.leader as number;
      const followers = p.replicas.filter((r) => r !== leader);
      const cut = await ctx.cluster.cut(
        { kind: "broker", id: leader },
        followers.map((id) => ({ kind: "broker", id })),
      );
      return {
        target: `${leader} | ${followers.join(",")}`,
        detail: `the leader of ${p.topic}-${p.partition} cut from its followers: ${cut.description}`,
        holdMs: ctx.faultMs,
        end: () => healAll([cut]),
      };
    },
  },
  "partition-etcd": {
    targets: ANY,
    begin: (ctx, target) =>
      withBroker(ctx, target, async (id, role) => {
        const cut = await ctx.cluster.cut({ kind: "broker", id }, [{ kind: "etcd" }]);
        return {
          target: `broker ${id}`,
          detail: `${role} cut from etcd only: ${cut.description}`,
          holdMs: ctx.faultMs,
          end: () => healAll([cut]),
        };
      }),
  },
  "partition-split": {
    targets: ["random", "controller", "leader"],
    begin: (ctx, target) =>
      withBroker(ctx, target, async (id, role) => {
        const all = ctx.cluster.brokerIds;
        const size = Math.max(1, Math.floor((all.length - 1) / 2));
        const minority = [
          id,
          ...ctx.random.sample(
            all.filter((b) => b !== id),
            size - 1,
          ),
        ].sort((a, b) => a - b);
        const majority = all.filter((b) => !minority.includes(b));
        const cuts: NetworkCut[] = [];
        try {
          for (const m of minority) {
            const others = [...majority.map((b) => ({ kind: "broker" as const, id: b })), { kind: "etcd" as const }];
            cuts.push(await ctx.cluster.cut({ kind: "broker", id: m }, others));
          }
        } catch (error) {
          await healAll(cuts).catch(() => undefined);
          throw error;
        }
        return {
          target: `${majority.join(",")} | ${minority.join(",")}`,
          detail: `minority ${minority.join(",")} (with ${role}) cut from ${majority.join(",")} and etcd`,
          holdMs: ctx.faultMs,
          end: () => healAll(cuts),
        };
      }),
  },
  "disk-full": {
    targets: ["leader", "controller", "random"],
    begin: (ctx, target) =>
      withBroker(ctx, target, async (id, role) => {
        const fill = await ctx.cluster.fillDisk(id);
        return {
          target: `broker ${id}`,
          detail: `${role}: data directory filled with ${fill.bytes} bytes`,
          holdMs: ctx.faultMs,
          end: async () => {
            await fill.free();
            return undefined;
          },
        };
      }),
  },
  "clock-jump": {
    targets: ANY,
    begin: (ctx, target) =>
      withBroker(ctx, target, async (id, role) => {
        const offsetMs = ctx.random.chance(0.5) ? CLOCK_JUMP_MS : -CLOCK_JUMP_MS;
        await ctx.cluster.setClockOffset(id, offsetMs);
        return {
          target: `broker ${id}`,
          detail: `${role}: wall clock ${offsetMs > 0 ? "+" : ""}${offsetMs / 1000} s`,
          holdMs: Math.max(ctx.faultMs, 2 * FAKE_CLOCK_SETTLE_MS),
          end: async () => {
            await ctx.cluster.setClockOffset(id, 0);
            return undefined;
          },
        };
      }),
  },
  "torn-tail": {
    targets: ["leader", "random"],
    begin: (ctx, target) =>
      withBroker(ctx, target, async (id, role) => {
        const pid = ctx.cluster.brokerPid(id);
        await ctx.cluster.killBroker(id);
        let what: string;
        try {
          // Whatever happens here, the broker must come back: end() restarts it.
          const torn = tearTail(ctx.cluster.dataDir(id), ctx.topics, ctx.random);
          what =
            torn === null
              ? `no segment of ${ctx.topics.join(", ") || "any topic"} to tear, restarted whole`
              : `${torn.segment} cut from ${torn.sizeBytes} to ${torn.sizeBytes - torn.cutBytes} bytes`;
        } catch (error) {
          what = `tearing failed (${error instanceof Error ? error.message : String(error)}), restarted whole`;
        }
        return {
          target: `broker ${id}`,
          detail: `${role}: pid ${pid} killed (SIGKILL); ${what}`,
          holdMs: 0,
          end: async () => {
            await ctx.cluster.restartBroker(id);
            return `back as pid ${ctx.cluster.brokerPid(id)}`;
          },
        };
      }),
  },
};
