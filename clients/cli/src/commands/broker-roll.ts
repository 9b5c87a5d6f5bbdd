/**
 * `tidelog brokers roll`: a rolling restart of the local cluster `npm start` runs. One
 * broker at a time, the controller last: SIGTERM (the broker's controlled shutdown moves
 * its leaderships to in-sync replicas before it stops), then the launcher is asked to
 * start it again on the same data (SIGUSR2, as `npm start -- --restart-stopped` does), and
 * the next broker waits until every partition has all its replicas in the ISR again, so
 * no partition is ever left with fewer in-sync replicas than one restart takes away.
 *
 * Only for a cluster on this machine: it signals processes named in .tidelog/cluster.json.
 * On Kubernetes, `kubectl rollout restart statefulset/tidelog` gives the same guarantee
 * through the pods' readiness (deploy/README.md).
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { TidelogError } from "@tidelog/client";
import { parsePositiveInt } from "../args.js";
import { UsageError } from "../exit-codes.js";
import { examples } from "../help.js";
import type { Program } from "../program.js";
import type { Session } from "../session.js";
import { follow } from "./reassignment-progress.js";

type Brokers = ReturnType<Program["command"]>;

interface LocalCluster {
  readonly path: string;
  readonly launcherPid: number;
  /** The brokers' current addresses: a restarted broker may listen on a new port. */
  readonly bootstrap: string;
  readonly brokers: ReadonlyMap<number, number>;
}

/** The cluster.json `npm start` writes (in `dataDir`, or the nearest .tidelog/ above `cwd`), validated. */
export function readLocalCluster(cwd: string, dataDir?: string): LocalCluster {
  let path: string | null = null;
  if (dataDir !== undefined) path = join(resolve(cwd, dataDir), "cluster.json");
  else
    for (let dir = resolve(cwd); ; dir = dirname(dir)) {
      const candidate = join(dir, ".tidelog", "cluster.json");
      if (statSync(candidate, { throwIfNoEntry: false })?.isFile()) {
        path = candidate;
        break;
      }
      if (dirname(dir) === dir) break;
    }
  if (path === null)
    throw new UsageError(
      "no .tidelog/cluster.json here or above: roll works on a cluster `npm start` runs (see --data)",
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as Error).message}`);
  }
  const file = parsed as { launcherPid?: unknown; brokers?: unknown; bootstrap?: unknown };
  const pid = (v: unknown) => (Number.isSafeInteger(v) && (v as number) > 0 ? (v as number) : null);
  const launcherPid = pid(file.launcherPid);
  if (launcherPid === null || !Array.isArray(file.brokers))
    throw new UsageError(`${path} is not a cluster file of \`npm start\` (no launcherPid or brokers)`);
  const brokers = new Map<number, number>();
  for (const b of file.brokers as { id?: unknown; pid?: unknown }[]) {
    const id = Number.isSafeInteger(b?.id) ? (b.id as number) : null;
    const p = pid(b?.pid);
    if (id !== null && p !== null) brokers.set(id, p);
  }
  return { path, launcherPid, brokers, bootstrap: typeof file.bootstrap === "string" ? file.bootstrap : "" };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Polls `check` until it holds, or gives up after `timeoutMs`. A broker that is down
 * refuses connections while the cluster is asked: such a failure means "not yet".
 */
async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const started = performance.now();
  let last = "";
  for (;;) {
    try {
      if (await check()) return performance.now() - started;
    } catch (e) {
      if (!(e instanceof TidelogError)) throw e;
      last = ` (last error: ${e.message})`;
    }
    if (performance.now() - started > timeoutMs)
      throw new UsageError(`gave up after ${timeoutMs / 1000} s: ${what}${last}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Every partition led with its whole replica list in sync, asked of the brokers' current addresses. */
async function allInSync(session: Session, bootstrap: string): Promise<boolean> {
  const client = session.connectTo(bootstrap);
  try {
    const topics = await client.admin().describeTopics();
    return topics.every(
      (t) => t.error === null && t.partitions.every((p) => p.leader !== null && p.isr.length === p.replicas.length),
    );
  } finally {
    await client.close();
  }
}

export function registerBrokerRoll(brokers: Brokers, session: Session): void {
  brokers
    .command("roll")
    .description("Restart every broker of the local cluster (`npm start`) one at a time, without losing availability.")
    .option("--data <dir>", "the data directory of `npm start --data` (default: the nearest .tidelog/)")
    .option(
      "--wait-seconds <s>",
      "give up when a broker takes longer than this to stop, or to be back in every ISR (default 120)",
      (v) => parsePositiveInt(v, 3600),
    )
    .addHelpText(
      "after",
      `
Each broker gets SIGTERM: it hands its leaderships to in-sync replicas, then stops. The
launcher starts it again on the same data, and the next broker waits until every
partition has all its replicas in sync. The controller goes last, so the control plane
moves once. Producers with retries and consumers in groups see leader changes only.

For a cluster on Kubernetes use \`kubectl rollout restart statefulset/tidelog\`: the pods'
readiness gives the same one-at-a-time guarantee (deploy/README.md).
${examples("tidelog brokers roll", "tidelog brokers roll --data /tmp/dev-cluster --json")}`,
    )
    .action(async (options, command) => {
      const output = session.begin(command.optsWithGlobals());
      const local = readLocalCluster(session.io.cwd, options.data);
      if (!alive(local.launcherPid))
        throw new UsageError(`the launcher (pid ${local.launcherPid}) of ${local.path} is not running`);
      const admin = session.admin();
      const cluster = await admin.describeCluster();
      const ids = cluster.brokers.map((b) => b.id).filter((id) => local.brokers.has(id));
      const missing = cluster.brokers.map((b) => b.id).filter((id) => !local.brokers.has(id));
      if (missing.length > 0)
        throw new UsageError(
          `broker(s) ${missing.join(", ")} are not in ${local.path}: not a cluster this launcher runs`,
        );
      const order = [
        ...ids.filter((id) => id !== cluster.controllerId),
        ...ids.filter((id) => id === cluster.controllerId),
      ];
      const limitMs = (options.waitSeconds ?? 120) * 1000;
      await until(() => allInSync(session, local.bootstrap), limitMs, "every partition in sync before the roll");
      const rolled: { broker: number; stoppedMs: number; inSyncMs: number }[] = [];
      let current = "";
      const roll = (async () => {
        for (const id of order) {
          const pid =
            readLocalCluster(session.io.cwd, options.data).brokers.get(id) ?? (local.brokers.get(id) as number);
          current = `broker ${id}: stopping`;
          process.kill(pid, "SIGTERM");
          const stoppedMs = await until(() => !alive(pid), limitMs, `broker ${id} (pid ${pid}) to stop`);
          current = `broker ${id}: starting`;
          process.kill(local.launcherPid, "SIGUSR2");
          const backMs = await until(
            async () => {
              const now = readLocalCluster(session.io.cwd, options.data);
              const newPid = now.brokers.get(id);
              return newPid !== undefined && newPid !== pid && (await allInSync(session, now.bootstrap));
            },
            limitMs,
            `broker ${id} back and every partition in sync`,
          );
          rolled.push({ broker: id, stoppedMs: Math.round(stoppedMs), inSyncMs: Math.round(stoppedMs + backMs) });
        }
      })();
      let failure: unknown = null;
      roll.catch((e: unknown) => {
        failure = e;
      });
      await follow(session, "rolling", async () => {
        await Promise.race([roll.catch(() => {}), new Promise((r) => setTimeout(r, 200))]);
        return {
          done: rolled.length === order.length || failure !== null,
          value: rolled.length,
          total: order.length,
          detail: failure === null ? `${rolled.length} of ${order.length} brokers restarted; ${current}` : "failed",
        };
      });
      await roll;
      if (output.json) {
        output.document({ brokers: rolled });
        return;
      }
      output.table(
        ["Broker", "Stopped after (s)", "Back in every ISR after (s)"],
        rolled.map((r) => [r.broker, (r.stoppedMs / 1000).toFixed(1), (r.inSyncMs / 1000).toFixed(1)]),
      );
    });
}
