/**
 * One run of a demo, from cluster to verdict: the cluster (launched, or --bootstrap),
 * the SDK client, the demo's own run, the proof table, and the clean-up of everything
 * it started, however it ends (proved, violated, failed, interrupted).
 *
 * Exit statuses: 0 proved; 1 a check was violated (the table says which, with the
 * records); 3 the demo could not run to its end (the cluster could not be launched or
 * reached, a wait ran out): nothing was proved either way. Usage errors (2) are main's.
 */
import { randomBytes } from "node:crypto";
import { Client } from "@tidelog/client";
import { launchLocalCluster } from "@tidelog/verify";
import { BankDemo } from "./bank/bank-demo.js";
import { demoClientOptions } from "./client-options.js";
import type { Demo, DemoName } from "./demo.js";
import { ChildGroup } from "./demo-child.js";
import { type DemoCluster, type LaunchCluster, openCluster } from "./demo-cluster.js";
import { FaultLog } from "./fault-log.js";
import { IdempotenceDemo } from "./idempotence/idempotence-demo.js";
import { CLIENT_CLOSE_TIMEOUT_MS, DEFAULT_SECONDS } from "./limits.js";
import { pipelineDemo } from "./pipeline/pipeline-demo.js";
import { type Clock, type DemoOutput, Progress } from "./progress.js";
import { type Proof, proved, renderProof } from "./proof.js";
import { Random } from "./random.js";
import { DemoInterrupted, within } from "./wait.js";
import { ZombieDemo } from "./zombie/zombie-demo.js";

export const DemoExit = { proved: 0, violated: 1, usage: 2, notRun: 3, interrupted: 130 } as const;
export type DemoExit = (typeof DemoExit)[keyof typeof DemoExit];

export interface RunDemoOptions {
  /** How long faults and input run (default DEFAULT_SECONDS); draining and reading back come after. */
  readonly seconds?: number;
  /** Use this running cluster (host:port[,...]) instead of launching one: client-side faults only. */
  readonly bootstrap?: string;
  /** Seeds the inputs (amounts, customers, transfers); default random, printed. */
  readonly seed?: number;
  /** Where the run is narrated; default process.stdout. */
  readonly out?: DemoOutput;
  /** How a cluster is launched; default @tidelog/verify's launchLocalCluster. */
  readonly launch?: LaunchCluster;
  /** Ends the run early (Ctrl-C): everything started is stopped, the status is 130. */
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
}

export interface DemoResult {
  readonly name: DemoName;
  readonly exitCode: DemoExit;
  /** The proof, when the demo ran to its end. */
  readonly proof: Proof | null;
  /** Why it did not, otherwise. */
  readonly error: string | null;
}

export function demoFor(name: DemoName): Demo {
  switch (name) {
    case "pipeline":
      return pipelineDemo("exactly-once");
    case "at-least-once":
      return pipelineDemo("at-least-once");
    case "bank":
      return new BankDemo();
    case "zombie":
      return new ZombieDemo();
    case "idempotence":
      return new IdempotenceDemo();
  }
}

export async function runDemo(name: DemoName, options: RunDemoOptions = {}): Promise<DemoResult> {
  const out = options.out ?? process.stdout;
  const seconds = options.seconds ?? DEFAULT_SECONDS;
  const seed = options.seed ?? randomBytes(4).readUInt32BE(0);
  const controller = new AbortController();
  const forward = () => controller.abort();
  options.signal?.addEventListener("abort", forward, { once: true });
  if (options.signal?.aborted) controller.abort();
  const progress = new Progress(out, options.clock ?? (() => performance.now()));
  const demo = demoFor(name);
  progress.event(`tidelog demo ${name}: ${demo.summary}`);
  progress.event(`${seconds} s of input and faults, seed ${seed}`);
  const children = new ChildGroup();
  let cluster: DemoCluster | null = null;
  let client: Client | null = null;
  try {
    cluster = await openCluster(options.bootstrap, options.launch ?? launchLocalCluster, progress);
    client = new Client(demoClientOptions(cluster.bootstrap, `tidelog-demo-${name}`));
    const proof = await demo.run({
      seconds,
      runId: randomBytes(3).toString("hex"),
      client,
      admin: client.admin(),
      cluster,
      progress,
      faults: new FaultLog(progress),
      random: new Random(seed),
      children,
      signal: controller.signal,
    });
    progress.block(renderProof(proof, out.isTTY === true));
    return { name, exitCode: proved(proof) ? DemoExit.proved : DemoExit.violated, proof, error: null };
  } catch (e) {
    if (e instanceof DemoInterrupted || controller.signal.aborted) {
      progress.event("interrupted: stopping everything the demo started");
      return { name, exitCode: DemoExit.interrupted, proof: null, error: "interrupted" };
    }
    const message = e instanceof Error ? e.message : String(e);
    progress.event(`the demo could not run to its end, so nothing was proved: ${message}`);
    return { name, exitCode: DemoExit.notRun, proof: null, error: message };
  } finally {
    progress.untrack();
    options.signal?.removeEventListener("abort", forward);
    await children.close();
    if (client)
      await within(
        client.close().catch(() => {}),
        CLIENT_CLOSE_TIMEOUT_MS,
      );
    if (cluster) {
      if (cluster.faults) progress.event("stopping the local cluster...");
      await cluster.close().catch(() => {});
    }
  }
}
