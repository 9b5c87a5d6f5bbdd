/**
 * What a demo is: a name, a one-line claim, and a run that gets everything it touches
 * passed in (client, cluster and its faults, output, randomness, the interrupt signal)
 * and returns the proof it read back.
 */
import type { Admin, Client } from "@tidelog/client";
import type { ChildGroup } from "./demo-child.js";
import type { DemoCluster } from "./demo-cluster.js";
import type { FaultLog } from "./fault-log.js";
import type { Progress } from "./progress.js";
import type { Proof } from "./proof.js";
import type { Random } from "./random.js";
import { sleep } from "./wait.js";

export const DEMO_NAMES = ["pipeline", "bank", "zombie", "idempotence", "at-least-once"] as const;
export type DemoName = (typeof DEMO_NAMES)[number];

export function isDemoName(name: string): name is DemoName {
  return (DEMO_NAMES as readonly string[]).includes(name);
}

export interface DemoContext {
  readonly seconds: number;
  /** A few hex digits naming this run's topics, group and transactional ids, so runs never share them. */
  readonly runId: string;
  readonly client: Client;
  readonly admin: Admin;
  readonly cluster: DemoCluster;
  readonly progress: Progress;
  readonly faults: FaultLog;
  readonly random: Random;
  readonly children: ChildGroup;
  readonly signal: AbortSignal;
}

export interface Demo {
  /** What the demo proves, in a line, printed first. */
  readonly summary: string;
  run(ctx: DemoContext): Promise<Proof>;
}

/** A step of a demo's fault schedule: at `at` (a fraction of the run), `what`, unless it needs the launched cluster and there is none. */
export interface ScheduledFault {
  readonly at: number;
  readonly clusterFault: boolean;
  readonly run: () => Promise<void>;
}

/**
 * Runs `steps` in two chains side by side, client faults and broker faults, each step no
 * earlier than its time and after the one before it in its chain (a broker fault also
 * after the previous one's repair, `settle`). A step whose time comes after the run's
 * end (earlier ones overran) is left out, since a fault after the input stopped would
 * prove nothing. Broker faults are left out on a --bootstrap cluster.
 */
export function runSchedule(
  ctx: DemoContext,
  steps: readonly ScheduledFault[],
  settle: () => Promise<void> = async () => {},
): Promise<void> {
  const running = schedule(ctx, steps, settle);
  // Awaited by the demo after its input stops; an interruption meanwhile must not be an unhandled rejection.
  running.catch(() => {});
  return running;
}

async function schedule(
  ctx: DemoContext,
  steps: readonly ScheduledFault[],
  settle: () => Promise<void>,
): Promise<void> {
  const startMs = ctx.progress.elapsedMs();
  const endMs = startMs + ctx.seconds * 1000;
  const chain = async (chained: readonly ScheduledFault[], before: () => Promise<void>) => {
    for (const [i, step] of chained.entries()) {
      await sleep(startMs + step.at * ctx.seconds * 1000 - ctx.progress.elapsedMs(), ctx.signal);
      await before();
      if (ctx.progress.elapsedMs() >= endMs) {
        ctx.progress.event(`(${chained.length - i} fault(s) left out: the run's time is up)`);
        return;
      }
      await step.run();
    }
  };
  const clusterSteps = ctx.cluster.faults === null ? [] : steps.filter((s) => s.clusterFault);
  await Promise.all([
    chain(
      steps.filter((s) => !s.clusterFault),
      async () => {},
    ),
    chain(clusterSteps, settle),
  ]);
}
