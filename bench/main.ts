/**
 * Benchmark entry point: `npm run bench -- <suite> [--json] [--quick]`.
 *
 * Each suite returns rows in the shape of bench/lib/report.ts; the table is for people,
 * `--json` prints one JSON object for scripts and for comparing runs. `--quick` shrinks
 * every workload (for a smoke run, not for figures).
 */
import { cpus, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { codecBench } from "./codec.js";
import { e2eBench } from "./e2e.js";
import { failoverBench } from "./failover.js";
import { groupsBench } from "./groups.js";
import { measureSteal } from "./lib/proc-stats.js";
import { type BenchReport, type BenchRow, formatTable } from "./lib/report.js";
import { peersBench } from "./peers.js";
import { rollBench } from "./roll.js";
import { scaleBench } from "./scale.js";
import { storageBench } from "./storage.js";
import { txnBench } from "./txn.js";

type Suite = (opts: { quick: boolean }) => Promise<BenchRow[]>;

const SUITES: Record<string, { describe: string; run: Suite }> = {
  storage: {
    describe: "partition log append/read against plain fs I/O, and the record batch codec",
    run: async (opts) => [...(await storageBench(opts)), ...(await codecBench(opts))],
  },
  codec: { describe: "record batch encode/decode and compression codecs", run: codecBench },
  e2e: {
    describe: "end-to-end produce/consume throughput and acks=all latency through the SDK (real brokers)",
    run: e2eBench,
  },
  failover: {
    describe: "time to new leaders and a new controller after kill -9 (real etcd, 3 brokers)",
    run: failoverBench,
  },
  groups: {
    describe:
      "time for a 10-member consumer group to settle after a join, a leave and a kill -9 (real etcd, 3 brokers)",
    run: groupsBench,
  },
  txn: {
    describe:
      "transactional produce (100, 1,000, 10,000 records per transaction) against plain idempotent produce, commit latency, read_committed against read_uncommitted (real etcd, 3 brokers)",
    run: txnBench,
  },
  roll: {
    describe:
      "a rolling restart of 3 brokers (SIGTERM, back in every ISR, the controller last) under acks=all idempotent produce and a group member: failed sends, lost and re-delivered records, p99 against steady state",
    run: rollBench,
  },
  scale: {
    describe:
      "10,000 partitions at RF 3 on 3 brokers (TIDELOG_SCALE_PARTITIONS for another count): creation, idle CPU, memory and files per replica, etcd at rest, produce spread over them, leaders and controller after kill -9, restart and recovery",
    run: scaleBench,
  },
  peers: {
    describe: "tidelog beside NATS JetStream and Redis Streams through their Node clients (installs them when allowed)",
    run: peersBench,
  },
};

function usage(): string {
  const lines = ["usage: npm run bench -- <suite> [--json] [--quick]", "", "suites:"];
  for (const [name, s] of Object.entries(SUITES)) lines.push(`  ${name.padEnd(10)} ${s.describe}`);
  return lines.join("\n");
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      quick: { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(usage());
    return 0;
  }
  const name = positionals[0] ?? "storage";
  const suite = SUITES[name];
  if (!suite) {
    console.error(`unknown suite '${name}'\n\n${usage()}`);
    return 2;
  }
  const startedAt = new Date().toISOString();
  const steal = measureSteal();
  const results = await suite.run({ quick: values.quick ?? false });
  const report: BenchReport = {
    suite: name,
    startedAt,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? "unknown",
      memGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      stealFraction: steal(),
    },
    results,
  };
  console.log(values.json ? JSON.stringify(report, null, 2) : formatTable(report));
  return 0;
}

process.exitCode = await main();
