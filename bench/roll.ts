/**
 * A rolling restart of a three-broker cluster under load (issue 26): every broker in turn
 * is stopped with SIGTERM (a controlled shutdown: its leaderships move first) and started
 * again, and the next one goes only once the restarted broker is back in every ISR.
 * Meanwhile idempotent acks=all producers send at a fixed offered rate and one group
 * member reads everything. The roll must cost no failed send, lose no acknowledged
 * record, write no record twice, and re-deliver nothing beyond the in-flight window; the
 * price it may cost is latency, reported as the p99 during the roll beside a steady-state
 * p99 measured in the same run on the same cluster.
 *
 * Phases, in order (the phase of a send is the one in which it started):
 *   warm-up  load running, nothing measured (the cluster's low-rate path runs cold first)
 *   steady   no broker stopping: the baseline latencies
 *   roll     from the first SIGTERM until the last broker is back in every ISR (and
 *            leading its preferred partitions again, see below)
 *   after    load still running, so the last restart is followed by ordinary traffic
 * then the senders stop, every send is awaited, and the member reads up to the last
 * acknowledged offset of every partition (bounded).
 *
 * Order: brokers by id, the active controller last (so the controller moves once).
 * Before each stop every partition, internal ones included, is led with its full ISR and
 * by its preferred replica, so each broker has leaderships to hand over.
 *
 * Load: SENDERS senders, each with its own idempotent producer (its own producer id),
 * sending `p<sender>-<i>` on a timeline (the i-th at start + i/rate, not after the
 * previous answer, so a stall does not lower the offered load), round-robin over the
 * partitions. Latency is from send() to its acknowledgement.
 *
 * Re-deliveries and the in-flight window: the member commits by hand every
 * COMMIT_INTERVAL_MS (autoCommit off) and reads the group's committed offsets back after
 * each commit. A record delivered again at an offset below the committed offset read back
 * before it (the group had recorded it as processed) is a re-delivery beyond the in-flight
 * window; one at or above it was delivered but not yet committed (at most about one
 * commit interval of records), within the window: what at-least-once allows.
 */
import { setTimeout as delay } from "node:timers/promises";
import { type Admin, Client, type Consumer, type ConsumerBatch, type Logger, type Producer } from "@tidelog/client";
import {
  type BrokerHandle,
  type ClusterHandle,
  createScope,
  type LogRecord,
  startCluster,
  WaitForTimeoutError,
  waitFor,
} from "../scripts/harness/cluster.js";
import { InFlightWindow } from "./lib/in-flight-window.js";
import { percentiles } from "./lib/latency.js";
import { type BenchRow, ceilingRow, row } from "./lib/report.js";

const TOPIC = "bench-roll";
const GROUP = "bench-roll";
const PARTITIONS = 6;
const SENDERS = 4;
/** Every broker's settings: the fault tests' (session 3 s, lag 2 s) plus min ISR 2 and 1 s leader balancing. */
const BROKER_CONFIG: Readonly<Record<string, string>> = {
  "broker.session.timeout.ms": "3000",
  "controller.session.timeout.ms": "3000",
  "replica.lag.time.max.ms": "2000",
  "min.insync.replicas": "2",
  "leader.imbalance.check.interval.seconds": "1",
};
/** The member's manual commit period: the in-flight window is about this long of records. */
const COMMIT_INTERVAL_MS = 1000;
/** Sends awaiting an answer per sender: 4 s of its share at the full rate; beyond it the sender falls behind (reported). */
const IN_FLIGHT_PER_SENDER_MAX = 1000;
/** A send that starts this much after its slot on the timeline counts as late (the sender fell behind). */
const LATE_SEND_MS = 100;
/** Bound on each wait for the cluster's state (all in sync, preferred leaders, the member's assignment). */
const CLUSTER_WAIT_MS = 60_000;
/** Bound on the member reading up to the last acknowledged offsets after the senders stop. */
const CATCH_UP_MS = 60_000;
/** Distinct error and log messages kept per kind (each with its count). */
const MESSAGES_MAX = 10;

interface Workload {
  readonly ratePerSecond: number;
  readonly warmupS: number;
  readonly steadyS: number;
  readonly afterS: number;
}

const FULL: Workload = { ratePerSecond: 1000, warmupS: 30, steadyS: 30, afterS: 5 };
const QUICK: Workload = { ratePerSecond: 200, warmupS: 3, steadyS: 5, afterS: 2 };

type Phase = "warmup" | "steady" | "roll" | "after";

// ---------------------------------------------------------------------------------------
// Counting messages

/** Counts of distinct messages, at most MESSAGES_MAX of them ("other" beyond). */
class MessageCounts {
  readonly counts = new Map<string, number>();
  total = 0;

  add(message: string): void {
    this.total++;
    const key = this.counts.has(message) || this.counts.size < MESSAGES_MAX ? message : "(other messages)";
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  toString(): string {
    return this.total === 0 ? "none" : [...this.counts].map(([m, n]) => `${n} x "${m}"`).join("; ");
  }
}

/** A client logger that counts its warnings and errors ("retrying NOT_LEADER_OR_FOLLOWER"). */
function countingLogger(counts: MessageCounts): Logger {
  const ignore = () => {};
  const count = (fields: object, message?: string) => {
    const f = fields as { code?: unknown; operation?: unknown };
    const detail = [f.operation, f.code].filter((x) => typeof x === "string").join(" ");
    counts.add(`${message ?? "?"}${detail ? ` (${detail})` : ""}`);
  };
  return { debug: ignore, info: ignore, warn: count, error: count };
}

// ---------------------------------------------------------------------------------------
// The load

/** The senders and everything they saw: latencies by phase, failures, acknowledged records. */
class Load {
  phase: Phase = "warmup";
  readonly latencyMs: Record<"steady" | "roll", number[]> = { steady: [], roll: [] };
  readonly sends: Record<Phase, number> = { warmup: 0, steady: 0, roll: 0, after: 0 };
  readonly failures = new MessageCounts();
  readonly failedValues = new Set<string>();
  /** "partition:offset" -> value, for every acknowledged send with an offset. */
  readonly acked = new Map<string, string>();
  /** Values acknowledged as duplicates without an offset (the broker had them already). */
  readonly ackedWithoutOffset: string[] = [];
  /** One offset acknowledged for two values: a broker bug. */
  ackConflicts = 0;
  lateSends = 0;
  maxLateMs = 0;
  private stopping = false;
  private readonly loops: Promise<void>[] = [];

  constructor(
    private readonly producers: readonly Producer[],
    private readonly ratePerSecond: number,
  ) {}

  start(): void {
    const perSender = this.ratePerSecond / this.producers.length;
    this.producers.forEach((p, n) => {
      this.loops.push(this.sender(n, p, perSender));
    });
  }

  /** Stops scheduling and waits for every send's answer (each bounded by the producer's delivery timeout). */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
  }

  /** Highest acknowledged offset + 1 per partition. */
  ackedEnds(): number[] {
    const ends = new Array<number>(PARTITIONS).fill(0);
    for (const key of this.acked.keys()) {
      const [p, o] = key.split(":").map(Number) as [number, number];
      ends[p] = Math.max(ends[p] as number, o + 1);
    }
    return ends;
  }

  private async sender(n: number, producer: Producer, perSecond: number): Promise<void> {
    const window = new InFlightWindow(IN_FLIGHT_PER_SENDER_MAX);
    const start = performance.now();
    for (let i = 0; !this.stopping; i++) {
      const due = start + (i * 1000) / perSecond;
      const wait = due - performance.now();
      // Timers are only good to about a millisecond: below that, send now and catch up.
      if (wait > 1) await delay(wait);
      if (this.stopping) break;
      const lateMs = performance.now() - due;
      if (lateMs > LATE_SEND_MS) this.lateSends++;
      this.maxLateMs = Math.max(this.maxLateMs, lateMs);
      await window.add(this.send(producer, `p${n}-${i}`, (n + i) % PARTITIONS));
    }
    await window.drain();
  }

  /** One send, recorded; never rejects (a failure is counted, not thrown). */
  private async send(producer: Producer, value: string, partition: number): Promise<void> {
    const phase = this.phase;
    this.sends[phase]++;
    const sentAt = performance.now();
    try {
      const report = await producer.send(TOPIC, { value, partition });
      if (phase === "steady" || phase === "roll") this.latencyMs[phase].push(performance.now() - sentAt);
      if (report.offset < 0) {
        this.ackedWithoutOffset.push(value);
        return;
      }
      const key = `${report.partition}:${report.offset}`;
      const before = this.acked.get(key);
      if (before !== undefined && before !== value) this.ackConflicts++;
      this.acked.set(key, value);
    } catch (e) {
      this.failures.add(e instanceof Error ? `${(e as { code?: string }).code ?? e.name}: ${e.message}` : String(e));
      this.failedValues.add(value);
    }
  }
}

// ---------------------------------------------------------------------------------------
// The group member

/** One group member that records every delivery and commits by hand every COMMIT_INTERVAL_MS. */
class GroupReader {
  /** "partition:offset" -> value, first delivery. */
  readonly delivered = new Map<string, string>();
  /** value -> "partition:offset" where it was first delivered, to find a value written twice. */
  private readonly offsetOfValue = new Map<string, string>();
  /** Values delivered at a second offset: the same send written twice. */
  duplicates = 0;
  /** A (partition, offset) delivered again with another value than the first time: a broker bug. */
  changedValues = 0;
  redeliveredWithin = 0;
  redeliveredBeyond = 0;
  /** Per partition, the highest offset delivered + 1. */
  readonly deliveredEnds = new Array<number>(PARTITIONS).fill(0);
  /** Per partition, the group's committed offset as last read back after a commit. */
  readonly committed = new Array<number>(PARTITIONS).fill(0);
  /** Largest sum over partitions of delivered - committed when a commit began. */
  maxWindowRecords = 0;
  commits = 0;
  readonly commitFailures = new MessageCounts();
  readonly callbacks = { assigned: 0, revoked: 0, lost: 0 };
  readonly owned = new Set<number>();
  private reading: Promise<void> = Promise.resolve();
  private committing: Promise<void> = Promise.resolve();
  private stopping = false;
  readError: unknown = null;

  constructor(private readonly consumer: Consumer) {}

  start(): void {
    this.consumer.subscribe([TOPIC], {
      onAssigned: (tps) => {
        this.callbacks.assigned++;
        for (const tp of tps) this.owned.add(tp.partition);
      },
      onRevoked: (tps) => {
        this.callbacks.revoked++;
        for (const tp of tps) this.owned.delete(tp.partition);
      },
      onLost: (tps) => {
        this.callbacks.lost++;
        for (const tp of tps) this.owned.delete(tp.partition);
      },
    });
    this.reading = this.consumer.run({ eachBatch: (batch) => this.onBatch(batch) }).catch((e: unknown) => {
      this.readError = e;
    });
    this.committing = this.commitLoop();
  }

  /** Stops committing (after one last commit) and reading. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.committing;
    this.consumer.stop();
    await this.reading;
  }

  private onBatch(batch: ConsumerBatch): void {
    const p = batch.partition;
    for (const r of batch.records) {
      const key = `${p}:${r.offset}`;
      const value = r.value?.toString() ?? "";
      const first = this.delivered.get(key);
      if (first !== undefined) {
        if (r.offset < (this.committed[p] as number)) this.redeliveredBeyond++;
        else this.redeliveredWithin++;
        if (first !== value) this.changedValues++;
        continue;
      }
      this.delivered.set(key, value);
      if (this.offsetOfValue.has(value)) this.duplicates++;
      else this.offsetOfValue.set(value, key);
      this.deliveredEnds[p] = Math.max(this.deliveredEnds[p] as number, r.offset + 1);
    }
  }

  private async commitLoop(): Promise<void> {
    for (let last = false; !last; ) {
      last = this.stopping;
      if (!last) await delay(COMMIT_INTERVAL_MS);
      const window = this.deliveredEnds.reduce(
        (sum, end, p) => sum + Math.max(0, end - (this.committed[p] as number)),
        0,
      );
      this.maxWindowRecords = Math.max(this.maxWindowRecords, window);
      try {
        await this.consumer.commit();
        const read = await this.consumer.committed(
          Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: TOPIC, partition })),
        );
        for (const c of read) this.committed[c.partition] = Math.max(this.committed[c.partition] as number, c.offset);
        this.commits++;
      } catch (e) {
        this.commitFailures.add(e instanceof Error ? e.message : String(e));
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// The cluster's state

/** Every partition of every topic (internal ones included) led, with all its replicas in the ISR. */
async function allInSync(admin: Admin): Promise<boolean> {
  const names = (await admin.listTopics({ includeInternal: true })).map((t) => t.name);
  const topics = await admin.describeTopics(names);
  return topics.every(
    (t) => t.error === null && t.partitions.every((p) => p.leader !== null && p.isr.length === p.replicas.length),
  );
}

/** Every partition of every topic led by its preferred replica (the first listed). */
async function preferredLead(admin: Admin): Promise<boolean> {
  const names = (await admin.listTopics({ includeInternal: true })).map((t) => t.name);
  const topics = await admin.describeTopics(names);
  return topics.every((t) => t.error === null && t.partitions.every((p) => p.leader === p.replicas[0]));
}

async function settled(admin: Admin, what: string): Promise<void> {
  await waitFor(() => allInSync(admin), { description: `every partition in sync ${what}`, timeoutMs: CLUSTER_WAIT_MS });
  await waitFor(() => preferredLead(admin), {
    description: `every partition led by its preferred replica ${what}`,
    timeoutMs: CLUSTER_WAIT_MS,
  });
}

interface BrokerRoll {
  readonly id: number;
  readonly wasController: boolean;
  /** SIGTERM to process exit. */
  readonly stopMs: number;
  /** restart() begun to the process logging "broker started". */
  readonly startMs: number;
  /** restart() begun to every partition in sync again. */
  readonly inSyncMs: number;
  /** Every partition in sync to every one led by its preferred replica again. */
  readonly preferredMs: number;
  /** What the broker's "controlled shutdown: leaderships moved" line said, and whether stop() had to SIGKILL. */
  readonly shutdown: string;
}

/**
 * What the broker's own log says of its shutdown: the controlled shutdown's line, and
 * where the time went (each line's pino `time`, from "shutting down" to its last line).
 */
function shutdownSummary(lines: readonly LogRecord[]): string {
  const j = lines.find((l) => l.json?.msg === "controlled shutdown: leaderships moved")?.json;
  const moved = j
    ? `controlled shutdown moved ${j.moved} leaderships in ${j.ms} ms (timed out: ${j.timedOut}, still led: ${j.stillLed})`
    : "no controlled shutdown line logged";
  const timed = lines.filter((l) => typeof l.json?.time === "number" && typeof l.json?.msg === "string");
  const start = timed.findIndex((l) => l.json?.msg === "shutting down");
  if (start < 0) return moved;
  const at = (i: number) => Number(timed[i]?.json?.time);
  let gapMs = 0;
  let gapBefore = "";
  for (let i = start + 1; i < timed.length; i++) {
    if (at(i) - at(i - 1) > gapMs) [gapMs, gapBefore] = [at(i) - at(i - 1), String(timed[i]?.json?.msg)];
  }
  const last = timed.length - 1;
  return `${moved}; its log: "shutting down" to "${timed[last]?.json?.msg}" ${at(last) - at(start)} ms, the longest pause ${gapMs} ms before "${gapBefore}"`;
}

/** Stops one broker with SIGTERM, starts it again and waits until it is back in every ISR and leading its share. */
async function rollOne(broker: BrokerHandle, admin: Admin, wasController: boolean): Promise<BrokerRoll> {
  const since = broker.logSeq;
  const stopAt = performance.now();
  const stopped = await broker.stop("SIGTERM");
  const stopMs = performance.now() - stopAt;
  const shutdown = shutdownSummary(broker.logs.filter((l) => l.seq >= since));
  const startAt = performance.now();
  await broker.restart();
  const startMs = performance.now() - startAt;
  await waitFor(() => allInSync(admin), {
    description: `every partition in sync after broker ${broker.id} restarted`,
    timeoutMs: CLUSTER_WAIT_MS,
  });
  const inSyncMs = performance.now() - startAt;
  await waitFor(() => preferredLead(admin), {
    description: `every partition led by its preferred replica after broker ${broker.id} restarted`,
    timeoutMs: CLUSTER_WAIT_MS,
  });
  const preferredMs = performance.now() - startAt - inSyncMs;
  const forced = stopped.forced ? "; stop() had to SIGKILL it" : "";
  return { id: broker.id, wasController, stopMs, startMs, inSyncMs, preferredMs, shutdown: `${shutdown}${forced}` };
}

/** The brokers in id order, the controller last. */
async function rollOrder(c: ClusterHandle, admin: Admin): Promise<{ order: BrokerHandle[]; controllerId: number }> {
  const controllerId = (await admin.describeCluster()).controllerId;
  if (controllerId === null) throw new Error("no controller before the roll");
  const order = [...c.brokers].sort((a, b) => a.id - b.id);
  return { order: [...order.filter((b) => b.id !== controllerId), c.broker(controllerId)], controllerId };
}

// ---------------------------------------------------------------------------------------
// The run

interface RunResult {
  readonly load: Load;
  readonly reader: GroupReader;
  readonly rolls: readonly BrokerRoll[];
  readonly rollMs: number;
  readonly steadyMs: number;
  /** Acknowledged records not delivered, or delivered with another value. */
  readonly undelivered: number;
  readonly caughtUp: string;
  readonly clientLog: MessageCounts;
}

async function waitForCatchUp(load: Load, reader: GroupReader): Promise<string> {
  const ends = load.ackedEnds();
  try {
    await waitFor(() => ends.every((end, p) => (reader.deliveredEnds[p] as number) >= end), {
      description: "the member to read up to the last acknowledged offsets",
      timeoutMs: CATCH_UP_MS,
      intervalMs: 100,
    });
    return "read up to every partition's last acknowledged offset";
  } catch (e) {
    if (!(e instanceof WaitForTimeoutError)) throw e;
    return `NOT caught up within ${CATCH_UP_MS} ms: delivered ends ${reader.deliveredEnds.join(",")}, acknowledged ends ${ends.join(",")}`;
  }
}

function countUndelivered(load: Load, reader: GroupReader): number {
  let missing = 0;
  for (const [key, value] of load.acked) if (reader.delivered.get(key) !== value) missing++;
  const values = new Set(reader.delivered.values());
  for (const value of load.ackedWithoutOffset) if (!values.has(value)) missing++;
  return missing;
}

async function run(c: ClusterHandle, work: Workload, clients: Client[]): Promise<RunResult> {
  const clientLog = new MessageCounts();
  const options = { brokers: c.bootstrap, requestTimeoutMs: 30_000, attemptTimeoutMs: 2000 } as const;
  const adminClient = new Client({ ...options, clientId: "bench-roll-admin" });
  const producerClient = new Client({
    ...options,
    clientId: "bench-roll-producers",
    logger: countingLogger(clientLog),
  });
  const consumerClient = new Client({ ...options, clientId: "bench-roll-member", logger: countingLogger(clientLog) });
  clients.push(adminClient, producerClient, consumerClient);
  const admin = adminClient.admin();
  await waitFor(async () => (await admin.describeCluster()).brokers.length === 3, {
    description: "three brokers registered",
    timeoutMs: 30_000,
  });
  await admin.createTopic({ name: TOPIC, partitions: PARTITIONS, replicationFactor: 3 });

  const reader = new GroupReader(
    consumerClient.consumer({ groupId: GROUP, autoOffsetReset: "earliest", autoCommit: false }),
  );
  reader.start();
  await waitFor(() => reader.owned.size === PARTITIONS, {
    description: `the member to own all ${PARTITIONS} partitions`,
    timeoutMs: CLUSTER_WAIT_MS,
  });
  const producers = Array.from({ length: SENDERS }, () => producerClient.producer({ acks: -1, lingerMs: 0 }));
  const load = new Load(producers, work.ratePerSecond);
  load.start();
  try {
    return await measure(c, admin, work, load, reader, clientLog);
  } finally {
    // Idempotent: on the way out of a failed run, the senders must not outlive their producers.
    await load.stop();
    await reader.stop();
  }
}

async function measure(
  c: ClusterHandle,
  admin: Admin,
  work: Workload,
  load: Load,
  reader: GroupReader,
  clientLog: MessageCounts,
): Promise<RunResult> {
  // The group's first commit creates __consumer_offsets; it must be in sync before anything stops.
  await waitFor(() => reader.commits > 0, { description: "a first commit", timeoutMs: CLUSTER_WAIT_MS });
  await settled(admin, "before the steady state");

  await delay(work.warmupS * 1000);
  load.phase = "steady";
  const steadyAt = performance.now();
  await delay(work.steadyS * 1000);
  const steadyMs = performance.now() - steadyAt;

  const { order, controllerId } = await rollOrder(c, admin);
  await settled(admin, "before the roll");
  load.phase = "roll";
  const rollAt = performance.now();
  const rolls: BrokerRoll[] = [];
  for (const broker of order) rolls.push(await rollOne(broker, admin, broker.id === controllerId));
  const rollMs = performance.now() - rollAt;
  load.phase = "after";
  await delay(work.afterS * 1000);

  await load.stop();
  const caughtUp = await waitForCatchUp(load, reader);
  await reader.stop();
  if (reader.readError !== null) throw new Error("the group member's reading failed", { cause: reader.readError });
  const undelivered = countUndelivered(load, reader);
  return { load, reader, rolls, rollMs, steadyMs, undelivered, caughtUp, clientLog };
}

// ---------------------------------------------------------------------------------------
// Rows

function latencyRows(r: RunResult, work: Workload): BenchRow[] {
  const steady = percentiles(r.load.latencyMs.steady);
  const roll = percentiles(r.load.latencyMs.roll);
  const late = `${r.load.lateSends} sends started more than ${LATE_SEND_MS} ms behind their slot (latest ${Math.round(r.load.maxLateMs)} ms)`;
  return [
    row("steady-state produce latency p50", steady.p50, "ms", {
      note: `send() to acknowledgement, acks=all idempotent, no broker stopping: ${steady.samples} sends over ${(r.steadyMs / 1000).toFixed(1)} s, after ${work.warmupS} s of warm-up`,
    }),
    row("steady-state produce latency p99", steady.p99, "ms"),
    row("produce latency during the roll p50", roll.p50, "ms", {
      note: `sends started between the first SIGTERM and the last broker back in every ISR and leading its preferred partitions: ${roll.samples} sends over ${(r.rollMs / 1000).toFixed(1)} s`,
    }),
    row("produce latency during the roll p99", roll.p99, "ms"),
    row(
      "produce latency during the roll max",
      r.load.latencyMs.roll.reduce((a, b) => Math.max(a, b), 0),
      "ms",
      {
        note: `the slowest send of the roll; ${late} over the whole run`,
      },
    ),
    row("roll p99 / steady-state p99", roll.p99 / steady.p99, "x", {
      note: "what the roll costs a producer's tail latency",
    }),
  ];
}

function deliveryRows(r: RunResult): BenchRow[] {
  const { load, reader } = r;
  const sent = Object.values(load.sends).reduce((a, b) => a + b, 0);
  const values = new Set(reader.delivered.values());
  const writtenAnyway = [...load.failedValues].filter((v) => values.has(v)).length;
  const redelivered = reader.redeliveredWithin + reader.redeliveredBeyond;
  return [
    ceilingRow(
      "failed sends",
      load.failures.total,
      "sends",
      0,
      `sends of the whole run (${sent}: ${Object.entries(load.sends)
        .map(([phase, n]) => `${n} ${phase}`)
        .join(
          ", ",
        )}) whose send() rejected, by error: ${load.failures}; ${writtenAnyway} of their records are in the log anyway`,
    ),
    ceilingRow(
      "acknowledged records never delivered",
      r.undelivered,
      "records",
      0,
      `of ${load.acked.size + load.ackedWithoutOffset.length} acknowledged (${load.ackedWithoutOffset.length} as duplicates without an offset, found by value), not read by the member at the acknowledged offset with the acknowledged value; the member ${r.caughtUp}; ${load.ackConflicts} offsets acknowledged for two values`,
    ),
    ceilingRow(
      "records written twice",
      reader.duplicates,
      "records",
      0,
      `one send's value read at two offsets (idempotence broken); ${reader.changedValues} offsets re-read with another value`,
    ),
    row("re-deliveries", redelivered, "records", {
      note: `a (partition, offset) handed to the member again; group callbacks: ${reader.callbacks.assigned} assigned, ${reader.callbacks.revoked} revoked, ${reader.callbacks.lost} lost`,
    }),
    row("re-deliveries within the in-flight window", reader.redeliveredWithin, "records", {
      note: `at or above the group's committed offset read back before it: delivered but not yet committed, which at-least-once allows; the member commits by hand every ${COMMIT_INTERVAL_MS} ms (${reader.commits} commits)`,
    }),
    ceilingRow(
      "re-deliveries beyond the in-flight window",
      reader.redeliveredBeyond,
      "records",
      0,
      `below the group's committed offset read back before it: the group had recorded the record as processed; commit failures: ${reader.commitFailures}`,
    ),
    row("largest in-flight window", reader.maxWindowRecords, "records", {
      note: "delivered but not yet committed, summed over partitions, when a commit began: the most any rejoin may re-deliver",
    }),
  ];
}

function brokerRows(r: RunResult): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const b of r.rolls) {
    const name = `broker ${b.id}${b.wasController ? " (controller)" : ""}`;
    rows.push(
      row(`${name}: SIGTERM to exit`, b.stopMs / 1000, "s", { note: b.shutdown }),
      row(`${name}: restart to back in every ISR`, b.inSyncMs / 1000, "s", {
        note: `process up ("broker started") after ${(b.startMs / 1000).toFixed(2)} s, every partition of every topic with all replicas in sync after ${(b.inSyncMs / 1000).toFixed(2)} s; preferred replicas leading again ${(b.preferredMs / 1000).toFixed(2)} s later (waited for, in the roll's time, before the next stop)`,
      }),
    );
  }
  rows.push(
    row("whole roll", r.rollMs / 1000, "s", {
      note: `first SIGTERM to the last broker back in every ISR and leading its preferred partitions; client warnings over the run: ${r.clientLog}`,
    }),
  );
  return rows;
}

export async function rollBench(opts: { quick: boolean }): Promise<BenchRow[]> {
  const work = opts.quick ? QUICK : FULL;
  const scope = createScope();
  const clients: Client[] = [];
  try {
    const c = await startCluster(scope, { brokers: 3, brokerConfig: BROKER_CONFIG });
    const r = await run(c, work, clients);
    return [
      row("offered load (baseline)", work.ratePerSecond, "records/s", {
        note: `${SENDERS} idempotent acks=all producers (lingerMs 0), ${PARTITIONS}-partition RF-3 topic, one group member; brokers: ${Object.entries(
          BROKER_CONFIG,
        )
          .map(([k, v]) => `${k}=${v}`)
          .join(", ")}`,
      }),
      ...latencyRows(r, work),
      ...deliveryRows(r),
      ...brokerRows(r),
    ];
  } finally {
    // Clients before the brokers they talk to.
    await Promise.allSettled(clients.map((client) => client.close()));
    await scope.close();
  }
}
