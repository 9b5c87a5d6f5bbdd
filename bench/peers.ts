/**
 * tidelog beside NATS JetStream and Redis Streams on the same machine, each through its
 * official Node client, in one run:
 *
 *   produce N records of 100 B and of 1 KiB, every one acknowledged
 *   consume them all back from the start
 *   consume them all again as a new consumer group, confirming progress every 10,000 records
 *   publish-to-acknowledge latency p50/p99/p999 at a fixed 5,000 records/s
 *
 * tidelog runs twice: one broker with replication factor 1, and three brokers with RF 3,
 * each with acks=1 and acks=all. The peers run as single nodes (no replication): the
 * output says so in each system's setup row. All servers are up for the whole run and the
 * systems take turns within each workload, in an order rotated per workload, so drift on
 * the machine (other work, page cache, thermal) hits all alike. Every server's CPU seconds
 * and peak RSS are read from /proc around each measurement; the client (this process) is
 * the same Node for all, and its CPU seconds are reported too. Throughput runs in two rounds
 * (after an unmeasured warm-up of every system, since JIT-compiled clients and brokers speed
 * up over their first million records) and each row keeps its system's best round.
 *
 * The machine's ceilings are measured in the same run: first a raw gRPC stream to another
 * process and plain file writes with and without fsync, and before the latency runs a
 * raw gRPC echo at the same rate (the round trip no gRPC service can beat).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createScope, type Scope, startEtcd } from "../scripts/harness/cluster.js";
import { grpcCeilingMBps, grpcEchoLatency } from "./ceiling/grpc-ceiling.js";
import { LATENCY_WARMUP_SECONDS, type Percentiles } from "./lib/latency.js";
import { measureProcesses, type ProcessCost } from "./lib/proc-stats.js";
import { type BenchRow, ceilingRow, row, targetRow } from "./lib/report.js";
import type { BenchSystem, GroupRead, Workload } from "./peers/bench-system.js";
import { findOrInstall } from "./peers/debian-package.js";
import { startJetStream } from "./peers/jetstream.js";
import { startRedisStreams } from "./peers/redis-streams.js";
import { startTidelog } from "./peers/tidelog.js";
import { plainWrite } from "./storage.js";

const MiB = 1024 * 1024;
const LATENCY_RATE = 5000;
/** The goals for 100 B produce throughput: tidelog at least this many times each peer. */
const PRODUCE_GOAL_X: Record<string, number> = { "Redis Streams": 5, JetStream: 20 };

interface Plan {
  readonly workloads: readonly Workload[];
  /** Throughput rounds; each row keeps its system's best round, as the storage suite does. */
  readonly rounds: number;
  /** Records each system produces and reads once, unmeasured, so JIT and caches are warm for all. */
  readonly warmupRecords: number;
  readonly latencyWarmupSeconds: number;
  readonly latencySeconds: number;
  readonly consumeTimeoutMs: number;
  readonly ceilingSeconds: number;
  readonly fileWriteMiB: number;
  readonly fsyncWrites: number;
}

function plan(quick: boolean): Plan {
  const scale = quick ? 0.02 : 1;
  return {
    workloads: [
      { label: "100 B records", recordBytes: 100, records: Math.round(1_000_000 * scale) },
      { label: "1 KiB records", recordBytes: 1024, records: Math.round(200_000 * scale) },
    ],
    rounds: quick ? 1 : 2,
    warmupRecords: quick ? 2000 : 100_000,
    // As in the e2e suite: long enough for JIT and heaps to settle, for every system alike.
    latencyWarmupSeconds: quick ? 0.5 : LATENCY_WARMUP_SECONDS,
    latencySeconds: quick ? 1 : 10,
    consumeTimeoutMs: quick ? 30_000 : 120_000,
    ceilingSeconds: quick ? 1 : 3,
    fileWriteMiB: quick ? 64 : 512,
    fsyncWrites: quick ? 16 : 100,
  };
}

// ---------------------------------------------------------------------------------------
// Ceilings

async function ceilings(p: Plan): Promise<BenchRow[]> {
  const grpc = await grpcCeilingMBps(p.ceilingSeconds);
  const dir = mkdtempSync(join(tmpdir(), "tidelog-bench-ceiling-"));
  try {
    const big = Buffer.alloc(MiB, 0x61);
    const small = Buffer.alloc(16 * 1024, 0x61);
    const noSync = await plainWrite(dir, big, p.fileWriteMiB, false);
    const bigSync = await plainWrite(dir, big, p.fsyncWrites, true);
    const smallSync = await plainWrite(dir, small, p.fsyncWrites, true);
    return [
      row("ceiling: raw gRPC stream (1 MiB messages, another process)", grpc, "MB/s"),
      row("ceiling: plain file write, 1 MiB writes, no fsync", p.fileWriteMiB / noSync, "MB/s"),
      row("ceiling: plain file write, 1 MiB writes, fsync each", p.fsyncWrites / bigSync, "MB/s"),
      row("ceiling: plain file write, 16 KiB writes, fsync each", (smallSync / p.fsyncWrites) * 1000, "ms/write"),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------
// Starting the systems

/**
 * Starts the peers that are installed (or can be) and the two tidelog clusters, adding each
 * to `systems` as soon as it runs (so the caller closes its client whatever fails later).
 * Returns one row per system, skipped peers included: what runs, how many servers, or why not.
 */
async function startSystems(scope: Scope, systems: BenchSystem[]): Promise<BenchRow[]> {
  const setupRows: BenchRow[] = [];
  const peers = [
    { name: "JetStream", binary: "nats-server", pkg: "nats-server", start: startJetStream },
    { name: "Redis Streams", binary: "redis-server", pkg: "redis-server", start: startRedisStreams },
  ];
  for (const peer of peers) {
    const found = findOrInstall(peer.binary, peer.pkg);
    if ("skipped" in found) {
      process.stderr.write(`[bench] skipping ${peer.name}: ${found.skipped}\n`);
      setupRows.push(row(`system: ${peer.name}`, 0, "servers", { note: `SKIPPED: ${found.skipped}` }));
      continue;
    }
    systems.push(await peer.start(scope, found.bin));
  }
  const etcd = await startEtcd(scope);
  systems.push(...(await startTidelog(scope, etcd, { brokers: 1, replicationFactor: 1, acks: [1, -1] })));
  systems.push(...(await startTidelog(scope, etcd, { brokers: 3, replicationFactor: 3, acks: [1, -1] })));
  for (const s of systems) {
    setupRows.push(row(`system: ${s.name}`, s.serverPids().length, "servers", { note: s.setup }));
  }
  return setupRows;
}

// ---------------------------------------------------------------------------------------
// Measuring

interface Measured<T> {
  readonly result: T;
  readonly server: ProcessCost;
  readonly clientCpuSeconds: number;
}

async function measured<T>(system: BenchSystem, work: () => Promise<T>): Promise<Measured<T>> {
  const done = measureProcesses(system.serverPids());
  const client = process.cpuUsage();
  const result = await work();
  const clientCpu = process.cpuUsage(client);
  return { result, server: done(), clientCpuSeconds: (clientCpu.user + clientCpu.system) / 1e6 };
}

/** The systems in an order rotated by `turn`, so no system always goes first or last. */
function rotated<T>(items: readonly T[], turn: number): T[] {
  const k = turn % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

function freshTopic(kind: string): string {
  return `peers-${kind}-${randomBytes(4).toString("hex")}`;
}

async function warmUp(systems: readonly BenchSystem[], p: Plan): Promise<void> {
  const w: Workload = { label: "warm-up", recordBytes: 100, records: p.warmupRecords };
  for (const s of systems) {
    const topic = freshTopic("warmup");
    await s.create(topic);
    await s.produce(topic, w);
    await s.consume(topic, w.records, p.consumeTimeoutMs);
    await s.consumeGroup(topic, w.records, p.consumeTimeoutMs);
    await s.drop(topic);
  }
}

interface Throughput {
  readonly system: BenchSystem;
  readonly produce: Measured<number>;
  readonly consume: Measured<{ records: number; perSecond: number }>;
  readonly group: Measured<GroupRead>;
}

async function throughput(systems: readonly BenchSystem[], w: Workload, turn: number, p: Plan): Promise<Throughput[]> {
  const order = rotated(systems, turn);
  const topics = new Map<BenchSystem, string>();
  const produced = new Map<BenchSystem, Measured<number>>();
  for (const s of order) {
    const topic = freshTopic(String(w.recordBytes));
    topics.set(s, topic);
    await s.create(topic);
    produced.set(s, await measured(s, () => s.produce(topic, w)));
  }
  const out: Throughput[] = [];
  for (const s of order) {
    const topic = topics.get(s)!;
    const consumed = await measured(s, () => s.consume(topic, w.records, p.consumeTimeoutMs));
    const group = await measured(s, () => s.consumeGroup(topic, w.records, p.consumeTimeoutMs));
    await s.drop(topic);
    out.push({ system: s, produce: produced.get(s)!, consume: consumed, group });
  }
  // Report in the systems' own order, whatever order they ran in.
  return systems.map((s) => out.find((t) => t.system === s)!);
}

async function latencies(systems: readonly BenchSystem[], turn: number, p: Plan) {
  const out = new Map<BenchSystem, Measured<Percentiles>>();
  for (const s of rotated(systems, turn)) {
    const topic = freshTopic("latency");
    await s.create(topic);
    // A new topic or stream settles in its first moments (leaders, replica fetchers, files),
    // and a JIT-compiled client or broker takes longer still (LATENCY_WARMUP_SECONDS).
    await s.latency(topic, LATENCY_RATE, p.latencyWarmupSeconds);
    out.set(s, await measured(s, () => s.latency(topic, LATENCY_RATE, p.latencySeconds)));
    await s.drop(topic);
  }
  return systems.map((s) => ({ system: s, latency: out.get(s)! }));
}

/**
 * Each system's best round: the fastest produce, consume and group read (with their own
 * costs), and the fewest records read in any round, since every round must deliver all.
 */
function bestOf(rounds: readonly Throughput[][]): Throughput[] {
  const first = rounds[0] ?? [];
  return first.map(({ system }) => {
    const mine = rounds.map((r) => r.find((t) => t.system === system)!);
    const best = (rate: (t: Throughput) => number) => mine.reduce((a, b) => (rate(b) > rate(a) ? b : a));
    const consume = best((t) => t.consume.result.perSecond).consume;
    const group = best((t) => t.group.result.perSecond).group;
    const fewest = (read: (t: Throughput) => number) => Math.min(...mine.map(read));
    return {
      system,
      produce: best((t) => t.produce.result).produce,
      consume: { ...consume, result: { ...consume.result, records: fewest((t) => t.consume.result.records) } },
      group: { ...group, result: { ...group.result, records: fewest((t) => t.group.result.records) } },
    };
  });
}

// ---------------------------------------------------------------------------------------
// Rows

const isTidelog = (s: BenchSystem) => s.name.startsWith("tidelog");

function costRows(name: string, m: Measured<unknown>, records: number): BenchRow[] {
  const perRecordUs = (m.server.cpuSeconds / records) * 1e6;
  return [
    row(`${name}: server CPU`, m.server.cpuSeconds, "s", { note: `${perRecordUs.toFixed(2)} us per record` }),
    row(`${name}: client CPU`, m.clientCpuSeconds, "s"),
    row(`${name}: server peak RSS`, m.server.peakRssBytes / MiB, "MiB", {
      ...(m.server.peakIsPerWork ? {} : { note: "peak since the server started (clear_refs not allowed)" }),
    }),
  ];
}

/** The three measured operations of a throughput round, as named in the rows. */
const OPERATIONS = {
  produce: {
    measured: (t: Throughput) => t.produce,
    rate: (t: Throughput) => t.produce.result,
    read: null,
    firstRecordMs: null,
  },
  consume: {
    measured: (t: Throughput) => t.consume,
    rate: (t: Throughput) => t.consume.result.perSecond,
    read: (t: Throughput) => t.consume.result.records,
    firstRecordMs: null,
  },
  "group consume": {
    measured: (t: Throughput) => t.group,
    rate: (t: Throughput) => t.group.result.perSecond,
    read: (t: Throughput) => t.group.result.records,
    firstRecordMs: (t: Throughput) => t.group.result.firstRecordMs,
  },
} as const;

function throughputRows(w: Workload, results: readonly Throughput[]): BenchRow[] {
  const rows: BenchRow[] = [];
  const mbps = (perSecond: number) => (perSecond * w.recordBytes) / MiB;
  for (const [op, { measured: m, rate, read, firstRecordMs }] of Object.entries(OPERATIONS)) {
    for (const t of results) {
      const name = `${op} ${w.label}, ${t.system.name}`;
      rows.push(row(name, rate(t), "records/s"), row(name, mbps(rate(t)), "MB/s"));
      if (read !== null) rows.push(targetRow(`${name}: records read`, read(t), "records", w.records));
      if (firstRecordMs !== null) rows.push(row(`${name}: first record after`, firstRecordMs(t), "ms"));
      rows.push(...costRows(name, m(t), w.records));
    }
    for (const t of results.filter((r) => isTidelog(r.system))) {
      for (const peer of results.filter((r) => !isTidelog(r.system))) {
        const name = `${op} ${w.label}: ${t.system.name} / ${peer.system.name}`;
        const goal = op === "produce" && w.recordBytes === 100 ? PRODUCE_GOAL_X[peer.system.name] : undefined;
        const ratio = rate(t) / rate(peer);
        rows.push(goal === undefined ? row(name, ratio, "x") : targetRow(name, ratio, "x", goal));
      }
    }
  }
  return rows;
}

function latencyRows(
  results: readonly { system: BenchSystem; latency: Measured<Percentiles> }[],
  echo: Percentiles,
): BenchRow[] {
  const at = `at ${LATENCY_RATE.toLocaleString("en-US")} records/s`;
  const echoName = `ceiling: raw gRPC stream echo (100 B messages, another process) at ${LATENCY_RATE.toLocaleString("en-US")}/s`;
  const rows: BenchRow[] = [row(`${echoName}: p50`, echo.p50, "ms"), row(`${echoName}: p99`, echo.p99, "ms")];
  for (const { system, latency } of results) {
    const name = `publish-to-ack ${at}, ${system.name}`;
    const l = latency.result;
    rows.push(
      row(`${name}: p50`, l.p50, "ms"),
      row(`${name}: p99`, l.p99, "ms"),
      row(`${name}: p999`, l.p999, "ms", { note: `${l.samples} samples` }),
      ...costRows(name, latency, l.samples),
    );
  }
  for (const t of results.filter((r) => isTidelog(r.system))) {
    for (const peer of results.filter((r) => !isTidelog(r.system))) {
      const ratio = t.latency.result.p99 / peer.latency.result.p99;
      rows.push(ceilingRow(`publish-to-ack p99 ${at}: ${t.system.name} / ${peer.system.name}`, ratio, "x", 1));
    }
    // tidelog answers over gRPC, so its p99 is read against the echo's too.
    rows.push(row(`publish-to-ack p99 ${at}: ${t.system.name} / raw gRPC echo`, t.latency.result.p99 / echo.p99, "x"));
  }
  return rows;
}

export async function peersBench(opts: { quick: boolean }): Promise<BenchRow[]> {
  const p = plan(opts.quick);
  const rows = await ceilings(p);
  const scope = createScope();
  const systems: BenchSystem[] = [];
  try {
    rows.push(...(await startSystems(scope, systems)));
    await warmUp(systems, p);
    let turn = 0;
    const rounds = new Map<Workload, Throughput[][]>(p.workloads.map((w) => [w, []]));
    for (let round = 0; round < p.rounds; round++) {
      for (const w of p.workloads) rounds.get(w)!.push(await throughput(systems, w, turn++, p));
    }
    for (const w of p.workloads) rows.push(...throughputRows(w, bestOf(rounds.get(w)!)));
    // The gRPC round trip alone, at the same rate and after the same warm-up, just before
    // the systems' own latency runs, so the host is in the same state for both.
    const echo = await grpcEchoLatency(LATENCY_RATE, p.latencySeconds, p.latencyWarmupSeconds);
    rows.push(...latencyRows(await latencies(systems, turn, p), echo));
  } finally {
    for (const s of systems) await s.close();
    await scope.close();
  }
  return rows;
}
