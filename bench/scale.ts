/**
 * Three real brokers and a real etcd holding many partitions (10,000 at RF 3 by default,
 * TIDELOG_SCALE_PARTITIONS for another count): what a deployment of that size costs and
 * how fast it heals.
 *
 *   - topic creation: from the first CreateTopics until every partition has a leader and
 *     all three replicas in its ISR;
 *   - at rest (60 s idle: long enough to take in the periodic work, the ISR checks and the
 *     controller's passes): each broker's CPU, smallest resident memory and V8 heap, open file descriptors,
 *     beside the same broker with no partitions measured in the same run (the memory per
 *     partition is the difference over the replicas it hosts); etcd's keys, database size
 *     and request rate;
 *   - produce throughput, idempotent acks=all 100 B records, spread over every partition
 *     against a 10-partition topic in the same run;
 *   - kill -9 of the broker leading the most partitions (not the controller): the time
 *     until each partition it led has a new leader, seen by polling the survivors
 *     (p50/p99 over partitions, and the last); its restart: process start to ready, its
 *     log load, and until it is back in every ISR;
 *   - kill -9 of the controller: until a new controller is named, and until every
 *     partition the dead broker led has a new leader.
 * Goals (issue 26): every partition of a killed broker led again within 5 s; idle broker
 * CPU under 5% of a core. The session TTL is 3 s, as in the failover bench: no partition
 * can be re-led sooner, so that is the floor the leader rows compare with.
 */
import { appendFileSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@tidelog/client";
import { projectRoot } from "../scripts/bootstrap.mjs";
import { brokerCommand } from "../scripts/cluster-launcher.mjs";
import {
  type BrokerHandle,
  type ClusterHandle,
  createScope,
  startCluster,
  waitFor,
} from "../scripts/harness/cluster.js";
import { MetadataImage } from "../src/cluster/metadata-image.js";
import { silentLogger } from "../src/common/logger.js";
import { BrokerMetrics } from "../src/metrics/broker-metrics.js";
import type { Partition } from "../src/replication/partition.js";
import { produce } from "./e2e.js";
import { percentiles } from "./lib/latency.js";
import { cpuSeconds } from "./lib/proc-stats.js";
import { type BenchRow, ceilingRow, row } from "./lib/report.js";

const SESSION_MS = 3000;
/** Partitions per topic: the broker's own limit; more partitions make more topics. */
const TOPIC_PARTITIONS_MAX = 10_000;
/** How long the cluster is left alone before and while its idle cost is measured (quick: 2 s each). */
const IDLE_MS = 60_000;
const QUICK_IDLE_MS = 2000;
/** Between polls of the survivors while partitions are re-led: the per-partition times are this coarse. */
const POLL_MS = 200;
const FAILOVER_GOAL_MS = 5000;
const IDLE_CPU_GOAL = 0.05;
const MB = 1024 * 1024;

/** A line on stderr per step, so a run of many minutes shows where it is (the report goes to stdout). */
function stepper(): (what: string) => void {
  const started = performance.now();
  return (what) => process.stderr.write(`[scale] ${((performance.now() - started) / 1000).toFixed(1)} s: ${what}\n`);
}

/**
 * TIDELOG_BENCH_CPU_PROF=<dir>: every broker runs under --cpu-prof, writing a profile to
 * <dir> when it stops (killed brokers write none), for finding what does not scale.
 */
function brokerProfiling(): { command?: readonly string[] } {
  const dir = process.env.TIDELOG_BENCH_CPU_PROF;
  if (!dir) return {};
  const [node, ...flags] = brokerCommand(projectRoot());
  return { command: [node as string, "--cpu-prof", `--cpu-prof-dir=${dir}`, ...flags] };
}

/**
 * TIDELOG_BENCH_LOG_DIR=<dir>: every broker's output lines are copied to <dir>/broker-<id>.log
 * as they come (polled; a burst larger than the harness keeps between polls is cut).
 */
function copyBrokerLogs(brokers: readonly BrokerHandle[]): () => void {
  const dir = process.env.TIDELOG_BENCH_LOG_DIR;
  if (!dir) return () => {};
  mkdirSync(dir, { recursive: true });
  const seen = new Map<number, number>();
  const copy = () => {
    for (const b of brokers) {
      const from = seen.get(b.id) ?? 0;
      const fresh = b.logs.filter((r) => r.seq >= from);
      if (fresh.length === 0) continue;
      appendFileSync(join(dir, `broker-${b.id}.log`), `${fresh.map((r) => r.text).join("\n")}\n`);
      seen.set(b.id, (fresh[fresh.length - 1] as { seq: number }).seq + 1);
    }
  };
  const timer = setInterval(copy, 200);
  return () => {
    clearInterval(timer);
    copy();
  };
}

function partitionCount(quick: boolean): number {
  const raw = process.env.TIDELOG_SCALE_PARTITIONS;
  if (raw === undefined) return quick ? 300 : 10_000;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 3 || n > 100_000) {
    throw new RangeError(`TIDELOG_SCALE_PARTITIONS must be an integer from 3 to 100000, got "${raw}"`);
  }
  return n;
}

/** Topic names and sizes that add up to `total` partitions. */
function topicPlan(total: number): { name: string; partitions: number }[] {
  const topics: { name: string; partitions: number }[] = [];
  for (let left = total, i = 0; left > 0; i++) {
    const partitions = Math.min(TOPIC_PARTITIONS_MAX, left);
    topics.push({ name: `scale-${i}`, partitions });
    left -= partitions;
  }
  return topics;
}

/** Log directories of `topics` in a broker's data directory (named "<topic>-<partition>"). */
function logDirsOf(dataDir: string, topics: readonly string[]): number {
  const prefixes = topics.map((t) => `${t}-`);
  return readdirSync(dataDir).filter((name) => prefixes.some((p) => name.startsWith(p))).length;
}

function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match?.[1]) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

function openFiles(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

interface BrokerCost {
  readonly cpuShare: number;
  /** The smallest resident set seen while idle: after a collection, closest to what is live. */
  readonly rssBytes: number;
  /** The V8 heap in use at the end of the idle window (the broker's own /metrics). */
  readonly heapBytes: number;
  readonly openFiles: number;
}

/** Between samples of memory while idle. */
const MEMORY_SAMPLE_MS = 250;

async function heapUsedBytes(b: BrokerHandle): Promise<number> {
  const text = await (await fetch(`http://${b.host}:${b.httpPort}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith("nodejs_heap_size_used_bytes "));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : Number.NaN;
}

/** Each running broker's share of a core over `ms`, its smallest resident memory over that time, and its heap and descriptors at the end. */
async function idleCost(brokers: readonly BrokerHandle[], ms: number): Promise<Map<number, BrokerCost>> {
  const before = new Map(brokers.map((b) => [b.id, cpuSeconds(b.pid)]));
  const rss = new Map(brokers.map((b) => [b.id, Number.POSITIVE_INFINITY]));
  const started = performance.now();
  while (performance.now() - started < ms) {
    for (const b of brokers) rss.set(b.id, Math.min(rss.get(b.id) as number, rssBytes(b.pid)));
    await new Promise((r) => setTimeout(r, MEMORY_SAMPLE_MS));
  }
  const seconds = (performance.now() - started) / 1000;
  // Read once, after the CPU window: a scrape of 10,000 partitions' gauges is itself work.
  const heap = new Map<number, number>();
  for (const b of brokers) heap.set(b.id, await heapUsedBytes(b));
  return new Map(
    brokers.map((b) => [
      b.id,
      {
        cpuShare: (cpuSeconds(b.pid) - (before.get(b.id) ?? 0)) / seconds,
        rssBytes: rss.get(b.id) as number,
        heapBytes: heap.get(b.id) as number,
        openFiles: openFiles(b.pid),
      },
    ]),
  );
}

/** etcd's own figures from its /metrics: keys, database size, and requests served so far. */
async function etcdFigures(endpoint: string): Promise<{ keys: number; dbBytes: number; requests: number }> {
  const text = await (await fetch(`${endpoint}/metrics`)).text();
  const sum = (metric: string) =>
    text
      .split("\n")
      .filter((l) => l.startsWith(metric) && (l[metric.length] === " " || l[metric.length] === "{"))
      .reduce((s, l) => s + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
  return {
    keys: sum("etcd_debugging_mvcc_keys_total"),
    dbBytes: sum("etcd_mvcc_db_total_size_in_use_in_bytes"),
    requests: sum("grpc_server_handled_total"),
  };
}

/**
 * Creates a topic in this fresh cluster. A create of thousands of partitions may outlast
 * one attempt on a loaded machine; the client's retry then finds the topic its first
 * attempt made (TOPIC_ALREADY_EXISTS, as Kafka's admin client answers too): ours.
 */
async function createOnce(client: Client, name: string, partitions: number): Promise<void> {
  try {
    await client.admin().createTopic({ name, partitions, replicationFactor: 3 });
  } catch (e) {
    if ((e as { code?: string }).code !== "TOPIC_ALREADY_EXISTS") throw e;
  }
}

type Leaders = Map<string, number | null>;

async function leadersOf(client: Client, topics: readonly string[]): Promise<Leaders> {
  const out: Leaders = new Map();
  for (const t of await client.admin().describeTopics([...topics])) {
    for (const p of t.partitions) out.set(`${t.name}/${p.partition}`, p.leader);
  }
  return out;
}

/** A client that talks only to the given brokers, with short attempts (a dead broker must not stall a poll). */
function clientFor(brokers: readonly BrokerHandle[]): Client {
  return new Client({ brokers: brokers.map((b) => b.address), requestTimeoutMs: 30_000, attemptTimeoutMs: 10_000 });
}

/**
 * Kills `victim` (kill -9) and polls the survivors until every partition it led has a
 * live leader: milliseconds from the kill until each was first seen re-led, and until a
 * controller other than the victim was named.
 */
async function killAndWatch(
  c: ClusterHandle,
  victim: BrokerHandle,
  topics: readonly string[],
): Promise<{ perPartition: number[]; controllerMs: number }> {
  const survivors = clientFor(c.brokers.filter((b) => b !== victim));
  try {
    const before = await leadersOf(survivors, topics);
    const led = [...before].filter(([, leader]) => leader === victim.id).map(([key]) => key);
    const seen = new Map<string, number>();
    let controllerMs = Number.NaN;
    const killedAt = performance.now();
    await victim.kill();
    await waitFor(
      async () => {
        const now = await leadersOf(survivors, topics);
        const at = performance.now() - killedAt;
        for (const key of led) {
          const leader = now.get(key);
          if (!seen.has(key) && leader !== null && leader !== undefined && leader !== victim.id) seen.set(key, at);
        }
        if (Number.isNaN(controllerMs)) {
          const id = (await survivors.admin().describeCluster()).controllerId;
          if (id !== null && id !== victim.id) controllerMs = performance.now() - killedAt;
        }
        return seen.size === led.length && !Number.isNaN(controllerMs);
      },
      { description: `the partitions of broker ${victim.id} re-led`, timeoutMs: 120_000, intervalMs: POLL_MS },
    );
    return { perPartition: [...seen.values()], controllerMs };
  } finally {
    await survivors.close();
  }
}

/** Restarts `broker` and waits until it is back in every ISR: both times in ms, and its log load time from its own log. */
async function restartAndRejoin(
  c: ClusterHandle,
  broker: BrokerHandle,
  topics: readonly string[],
  step: (what: string) => void,
): Promise<{ readyMs: number; rejoinMs: number; loadMs: number }> {
  // Watched from before the restart: the harness keeps the last lines only, and a large
  // broker's start-up pushes this one out soon.
  const loaded = broker.waitForLog((r) => r.json?.msg === "loaded partition logs", 300_000, broker.logSeq);
  loaded.catch(() => {}); // not unhandled if the restart fails first: awaited below
  const started = performance.now();
  await broker.restart();
  const readyMs = performance.now() - started;
  const client = clientFor(c.brokers);
  try {
    let reported = performance.now();
    await waitFor(
      async () => {
        const described = await client.admin().describeTopics([...topics]);
        const outside = described.flatMap((t) => t.partitions).filter((p) => !p.isr.includes(broker.id)).length;
        if (performance.now() - reported > 10_000) {
          reported = performance.now();
          step(`broker ${broker.id} still outside ${outside} ISRs`);
        }
        return outside === 0;
      },
      { description: `broker ${broker.id} back in every ISR`, timeoutMs: 300_000, intervalMs: 500 },
    );
  } finally {
    await client.close();
  }
  const rejoinMs = performance.now() - started;
  return { readyMs, rejoinMs, loadMs: Number((await loaded).json?.ms ?? Number.NaN) };
}

/**
 * What a /metrics scrape costs a broker hosting `count` partitions, per partition
 * (the default) against summed per topic (metrics.partition.level=topic), measured in
 * this process on stand-in partitions (the gauges read only these fields).
 */
async function scrapeCost(count: number): Promise<BenchRow[]> {
  const hosted = Array.from(
    { length: count },
    (_, i) =>
      ({
        tp: { topic: `scale-${Math.floor(i / TOPIC_PARTITIONS_MAX)}`, partition: i % TOPIC_PARTITIONS_MAX },
        role: i % 3 === 0 ? "leader" : "follower",
        isr: [],
        replicas: [],
        log: { logEndOffset: i, highWatermark: i, lastStableOffset: i, sizeBytes: 1000, segmentCount: 1 },
      }) as unknown as Partition,
  );
  const sources = {
    partitions: () => hosted,
    image: () => MetadataImage.fromEntries([], 0, silentLogger),
    isController: () => false,
    controllerEpoch: () => -1,
  };
  const cost = async (partitionLevel: "partition" | "topic") => {
    const metrics = new BrokerMetrics({ processMetrics: false, partitionLevel });
    metrics.attach(sources);
    await metrics.scrape(); // warm-up
    const started = performance.now();
    const { body } = await metrics.scrape();
    return {
      ms: performance.now() - started,
      series: body.split("\n").filter((l) => l !== "" && !l.startsWith("#")).length,
    };
  };
  const perPartition = await cost("partition");
  const perTopic = await cost("topic");
  const n = count.toLocaleString("en-US");
  return [
    row(`/metrics scrape, ${n} partitions, gauges per partition (baseline)`, perPartition.ms, "ms"),
    row(`/metrics series, ${n} partitions, gauges per partition`, perPartition.series, "series"),
    row(`/metrics scrape, ${n} partitions, summed per topic`, perTopic.ms, "ms"),
    row(`/metrics series, ${n} partitions, summed per topic`, perTopic.series, "series"),
    row("/metrics scrape per topic / per partition", perTopic.ms / perPartition.ms, "x"),
  ];
}

export async function scaleBench(opts: { quick: boolean }): Promise<BenchRow[]> {
  const total = partitionCount(opts.quick);
  const plan = topicPlan(total);
  const topics = plan.map((t) => t.name);
  const records = opts.quick ? 20_000 : 500_000;
  const idleMs = opts.quick ? QUICK_IDLE_MS : IDLE_MS;
  const step = stepper();
  const scope = createScope();
  const rows: BenchRow[] = [];
  try {
    const c = await startCluster(scope, {
      brokers: 3,
      brokerConfig: {
        "broker.session.timeout.ms": String(SESSION_MS),
        "controller.session.timeout.ms": String(SESSION_MS),
        // Balancing would move leaderships back while a kill is being measured.
        "auto.leader.rebalance.enable": "false",
      },
      readyTimeoutMs: 120_000,
      ...brokerProfiling(),
    });
    const client = new Client({ brokers: c.bootstrap, requestTimeoutMs: 120_000 });
    const stopCopying = copyBrokerLogs(c.brokers);
    try {
      await waitFor(async () => (await client.admin().describeCluster()).brokers.length === 3, {
        description: "three brokers registered",
        timeoutMs: 30_000,
      });
      const endpoint = c.etcd.endpoints[0] as string;

      await new Promise((r) => setTimeout(r, idleMs));
      const empty = await idleCost(c.brokers, idleMs);

      step(`creating ${total} partitions`);
      const createStarted = performance.now();
      for (const t of plan) await createOnce(client, t.name, t.partitions);
      const allInSync = async () =>
        (await client.admin().describeTopics(topics)).every(
          (t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader !== null && p.isr.length === 3),
        );
      await waitFor(allInSync, {
        description: `${total} partitions led and in sync`,
        timeoutMs: 600_000,
        intervalMs: 500,
      });
      const createMs = performance.now() - createStarted;
      step(`created and in sync in ${Math.round(createMs)} ms; waiting for every replica's log`);
      rows.push(
        row(`create ${total.toLocaleString("en-US")} partitions (RF 3), until all led and in sync`, createMs, "ms"),
      );
      // A new partition's ISR is its whole replica set from the start, so "in sync" comes
      // before the brokers have created the logs: the idle window must not begin while
      // they still are (at 30,000 partitions that took a minute, and the followers that
      // had no log yet left and rejoined ISRs inside the window).
      await waitFor(() => c.brokers.every((b) => logDirsOf(b.dataDir, topics) >= total), {
        description: `every replica's log created on every broker`,
        timeoutMs: 600_000,
        intervalMs: 1000,
      });
      const hostedMs = performance.now() - createStarted;
      await waitFor(allInSync, { description: "in sync again", timeoutMs: 600_000, intervalMs: 2000 });
      step(`every replica's log created in ${Math.round(hostedMs)} ms; measuring at rest`);
      rows.push(
        row(`create ${total.toLocaleString("en-US")} partitions: until every replica's log exists`, hostedMs, "ms"),
      );

      await new Promise((r) => setTimeout(r, idleMs));
      const etcdBefore = await etcdFigures(endpoint);
      const idleStarted = performance.now();
      const full = await idleCost(c.brokers, idleMs);
      const etcdAfter = await etcdFigures(endpoint);
      const idleSeconds = (performance.now() - idleStarted) / 1000;
      for (const b of c.brokers) {
        const e = empty.get(b.id) as BrokerCost;
        const f = full.get(b.id) as BrokerCost;
        rows.push(row(`broker ${b.id} idle CPU, no partitions (baseline)`, e.cpuShare, "cores"));
        rows.push(
          ceilingRow(
            `broker ${b.id} idle CPU, ${total.toLocaleString("en-US")} replicas`,
            f.cpuShare,
            "cores",
            IDLE_CPU_GOAL,
          ),
        );
        rows.push(row(`broker ${b.id} resident memory, no partitions (baseline)`, e.rssBytes / MB, "MiB"));
        rows.push(
          row(`broker ${b.id} resident memory, ${total.toLocaleString("en-US")} replicas`, f.rssBytes / MB, "MiB"),
        );
        rows.push(row(`broker ${b.id} memory per replica (resident)`, (f.rssBytes - e.rssBytes) / total / 1024, "KiB"));
        rows.push(row(`broker ${b.id} V8 heap in use, no partitions (baseline)`, e.heapBytes / MB, "MiB"));
        rows.push(
          row(`broker ${b.id} V8 heap in use, ${total.toLocaleString("en-US")} replicas`, f.heapBytes / MB, "MiB"),
        );
        rows.push(row(`broker ${b.id} heap per replica`, (f.heapBytes - e.heapBytes) / total / 1024, "KiB"));
        rows.push(row(`broker ${b.id} open file descriptors, no partitions (baseline)`, e.openFiles, "fds"));
        rows.push(
          row(`broker ${b.id} open file descriptors, ${total.toLocaleString("en-US")} replicas`, f.openFiles, "fds"),
        );
      }
      rows.push(...(await scrapeCost(total)));
      rows.push(row("etcd keys at rest", etcdAfter.keys, "keys"));
      rows.push(row("etcd database in use", etcdAfter.dbBytes / MB, "MiB"));
      rows.push(
        row(
          "etcd requests at rest (all brokers)",
          (etcdAfter.requests - etcdBefore.requests) / idleSeconds,
          "requests/s",
        ),
      );

      await createOnce(client, "scale-ten", 10);
      step("producing");
      const ten = await produce(client, "scale-ten", { label: "ten", recordBytes: 100, records }, -1);
      const spread = await produce(client, topics[0] as string, { label: "all", recordBytes: 100, records }, -1);
      rows.push(row("produce 100 B acks=all over 10 partitions (baseline)", ten, "records/s"));
      rows.push(
        row(
          `produce 100 B acks=all over ${(plan[0]?.partitions ?? 0).toLocaleString("en-US")} partitions`,
          spread,
          "records/s",
        ),
      );
      rows.push(row("many partitions / 10 partitions", spread / ten, "x"));

      const controllerId = (await client.admin().describeCluster()).controllerId;
      const leaders = await leadersOf(client, topics);
      const ledBy = new Map<number, number>();
      for (const l of leaders.values()) if (l !== null) ledBy.set(l, (ledBy.get(l) ?? 0) + 1);
      const victim = [...c.brokers]
        .filter((b) => b.id !== controllerId)
        .sort((a, b) => (ledBy.get(b.id) ?? 0) - (ledBy.get(a.id) ?? 0))[0] as BrokerHandle;
      rows.push(row("session TTL (the floor of every failover row)", SESSION_MS, "ms"));
      step(`kill -9 of broker ${victim.id}`);
      const leaderKill = await killAndWatch(c, victim, topics);
      step(`re-led; restarting broker ${victim.id}`);
      const lp = percentiles(leaderKill.perPartition);
      const n = leaderKill.perPartition.length;
      rows.push(row(`broker kill -9: partitions it led`, n, "partitions"));
      rows.push(row(`broker kill -9: re-led p50`, lp.p50, "ms"));
      rows.push(row(`broker kill -9: re-led p99`, lp.p99, "ms"));
      rows.push(
        ceilingRow(`broker kill -9: all ${n} re-led`, Math.max(...leaderKill.perPartition), "ms", FAILOVER_GOAL_MS),
      );
      const back = await restartAndRejoin(c, victim, topics, step);
      rows.push(row("restart after kill -9: process start to ready", back.readyMs, "ms"));
      rows.push(row("restart after kill -9: its logs loaded (recovery)", back.loadMs, "ms"));
      rows.push(row("restart after kill -9: back in every ISR", back.rejoinMs, "ms"));

      const controller = c.broker((await client.admin().describeCluster()).controllerId as number);
      step(`kill -9 of the controller, broker ${controller.id}`);
      const controllerKill = await killAndWatch(c, controller, topics);
      step(`re-led; restarting broker ${controller.id}`);
      const cp = percentiles(controllerKill.perPartition);
      rows.push(row("controller kill -9: a new controller named", controllerKill.controllerMs, "ms"));
      rows.push(row(`controller kill -9: partitions it led`, controllerKill.perPartition.length, "partitions"));
      rows.push(row("controller kill -9: re-led p50", cp.p50, "ms"));
      rows.push(row("controller kill -9: re-led p99", cp.p99, "ms"));
      rows.push(
        ceilingRow(
          `controller kill -9: all ${controllerKill.perPartition.length} re-led`,
          Math.max(...controllerKill.perPartition),
          "ms",
          FAILOVER_GOAL_MS,
        ),
      );
      await restartAndRejoin(c, controller, topics, step);
    } finally {
      stopCopying();
      await client.close();
    }
  } finally {
    await scope.close();
  }
  return rows;
}
