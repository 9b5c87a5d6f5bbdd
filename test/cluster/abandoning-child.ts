/**
 * Helper process for harness.test.ts: it starts an etcd through the harness, then ends
 * without cleaning up, the way a crashing test run would, so the test can check that the
 * harness's exit hooks killed the etcd anyway. Once etcd is up it prints one JSON line,
 * {"etcdPid":N,"dataDir":"..."}, then, by its argument:
 *   exit     calls process.exit(3)
 *   throw    throws an uncaught exception
 *   signal   waits for the test to send it SIGTERM
 */
import { createScope, startEtcd } from "../../scripts/harness/cluster.js";

const mode = process.argv[2];
if (mode !== "exit" && mode !== "throw" && mode !== "signal") {
  process.stderr.write(`usage: abandoning-child.ts exit|throw|signal (got ${mode})\n`);
  process.exit(2);
}
// A scope that is never closed: only the exit hooks stand between etcd and an orphan.
const etcd = await startEtcd(createScope());
process.stdout.write(`${JSON.stringify({ etcdPid: etcd.pid, dataDir: etcd.dataDir })}\n`);
if (mode === "exit") process.exit(3);
if (mode === "throw") throw new Error("a test blew up");
// "signal": etcd's output pipes keep this process alive until the signal arrives.
