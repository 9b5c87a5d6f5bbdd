/**
 * A quick local measurement of `tidelog produce` on bulk input (not a test): starts a
 * cluster like `npm start`'s (three brokers, a private etcd), creates a topic with the
 * brokers' default partitions and replication, and pipes `seq N` into the CLI a few
 * times, printing the CLI's own summary line ("Produced N records ... R records/s").
 * The CLI runs as a separate process, from source through tsx, as in development.
 *
 *   node --import tsx --conditions=tidelog-source test/cli/measure-produce.ts [--records N] [--runs N] [--brokers N]
 *
 * To compare two versions on one cluster, runs interleaved: copy clients/cli/src to a
 * folder inside the repository (so @tidelog/client resolves), change it, and pass
 * --cli <copy>/main.ts --cli clients/cli/src/main.ts.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Client } from "../../clients/sdk/src/index.js";
import { projectRoot } from "../../scripts/bootstrap.mjs";
import { createScope, startCluster } from "../../scripts/harness/cluster.js";

const { values } = parseArgs({
  options: {
    records: { type: "string", default: "500000" },
    runs: { type: "string", default: "3" },
    brokers: { type: "string", default: "3" },
    /** Another copy of the CLI's main.ts, to compare two versions on one cluster. */
    cli: { type: "string", multiple: true },
  },
});
const records = Number(values.records);
const runs = Number(values.runs);

/** Runs `seq records | tidelog produce topic`; resolves with the CLI's stderr summary. */
function produceOnce(cli: string, bootstrap: string, topic: string): Promise<string> {
  const root = projectRoot();
  const command = `seq ${records} | "${process.execPath}" --import tsx --conditions=tidelog-source "${cli}" --bootstrap ${bootstrap} produce ${topic}`;
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", command], { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(stderr.trim()) : reject(new Error(`exit ${code}: ${stderr}`))));
  });
}

const scope = createScope();
try {
  const cluster = await startCluster(scope, { brokers: Number(values.brokers) });
  const client = new Client({ brokers: cluster.bootstrap });
  await client.admin().createTopic({ name: "measure-produce" });
  await client.close();
  const clis = values.cli ?? [join(projectRoot(), "clients", "cli", "src", "main.ts")];
  for (let i = 1; i <= runs; i++) {
    for (const cli of clis)
      console.log(`run ${i} ${cli}: ${await produceOnce(cli, cluster.bootstrap, "measure-produce")}`);
  }
} finally {
  await scope.close();
}
