/**
 * How long a consumer group takes to settle after its membership changes, and how much
 * of it stops to do so: real etcd, three real brokers, a 10-member group on a
 * 60-partition topic with a trickle of records flowing (100 records/s, so revocations
 * commit as they would in use).
 *
 * Each repetition takes the group through four changes, from a settled group of 10:
 *
 *   join   an 11th member (in this process) subscribes            10 -> 11, measured
 *   leave  the longest-standing in-process member calls close()    11 -> 10, measured
 *   kill   the member in a child process gets SIGKILL (no leave)   10 ->  9, measured
 *   refill a new child-process member joins                         9 -> 10, not measured
 *
 * Nine members are SDK Consumers in this process, each with its own Client; the tenth runs
 * scripts/harness/member-process.ts in a child process so that it can die without leaving.
 * Each change starts at a (seeded) random point of a heartbeat interval after the group
 * settled, and the first members start staggered over one, so that changes do not land
 * at one fixed point of the members' heartbeat cycle.
 *
 * "Settled" (the clock stops) means all of these at once:
 *   - the members' own view, from their onAssigned/onRevoked/onLost callbacks: every
 *     partition owned by exactly one live member;
 *   - the coordinator's view, from admin().describeGroup(): state "stable", exactly the
 *     live members, each one's assignment equal to its target assignment;
 *   - each member's own set equal to its target in that description.
 * Polled every POLL_MS; the time reported is that of the last callback since the change
 * (the moment the members' view became final), not the poll that saw it, so the poll
 * interval adds nothing. A callback after a change was judged settled fails the run (it
 * would mean the check above is wrong), as does any moment at which two live members owned
 * one partition.
 *
 * Baselines. Moving a partition takes heartbeats: the giver learns of the revocation on
 * its next heartbeat and reports the release at once; the taker gets it on its next one.
 * So join and leave times are also given as a ratio to the heartbeat interval. A killed
 * member is noticed only when its session times out: its removal (the coordinator's
 * "member removed" log line, stamped after the new group state is written) is given
 * against the session timeout, and the rest of the move against the heartbeat interval.
 * Partitions moved are given against the fewest any balanced assignment must move.
 * Members that kept reading are those present before and after that had no revocation;
 * under Kafka's classic eager protocol every member revokes everything on every change
 * (0 kept reading, all 60 partitions revoked).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import {
  type Admin,
  Client,
  type Consumer,
  type GroupDescription,
  type Producer,
  type TopicPartition,
} from "@tidelog/client";
import { type ClusterHandle, createScope, startCluster, waitFor } from "../scripts/harness/cluster.js";
import { assertExclusiveOwnership, type MemberEvent } from "../scripts/harness/group-members.js";
import { percentiles } from "./lib/latency.js";
import { type BenchRow, row } from "./lib/report.js";

const TOPIC = "bench-groups";
const GROUP = "bench-groups";
const PARTITIONS = 60;
const MEMBERS = 10;
/** group.consumer.heartbeat.interval.ms (the broker caps it at a third of a member's session timeout). */
const HEARTBEAT_MS = 500;
/** Every member's session.timeout.ms; the coordinator looks for silent members every 200 ms. */
const MEMBER_SESSION_MS = 4000;
/** Every member's rebalance timeout: far above any revocation here, so it never removes anyone. */
const REBALANCE_TIMEOUT_MS = 20_000;
/** The brokers' and controller's etcd session; no broker fails here, so it only bounds start-up. */
const BROKER_SESSION_MS = 3000;
/** Every broker's settings, stated in the report. */
const BROKER_CONFIG: Readonly<Record<string, string>> = {
  "group.consumer.heartbeat.interval.ms": String(HEARTBEAT_MS),
  "broker.session.timeout.ms": String(BROKER_SESSION_MS),
  "controller.session.timeout.ms": String(BROKER_SESSION_MS),
  "offsets.topic.num.partitions": "6",
  "replica.lag.time.max.ms": "2000",
  "replica.fetch.wait.max.ms": "200",
};
/** Between checks of the group; the figures come from callback times, so this only delays detection. */
const POLL_MS = 20;
/** One record every PRODUCE_EVERY_MS, round-robin over the partitions (100 records/s). */
const PRODUCE_EVERY_MS = 10;
/** Bound on each wait for the group to settle; a kill adds the session timeout. */
const SETTLE_TIMEOUT_MS = 30_000;
/** Bound on the first settle (ten members start and compile at once). */
const FIRST_SETTLE_TIMEOUT_MS = 90_000;

/** Seeds the random start of each change within a heartbeat cycle (the same offsets every run). */
const RANDOM_SEED = 20261202;

const MEMBER_ENTRY = fileURLToPath(new URL("../scripts/harness/member-process.ts", import.meta.url));
const now = () => performance.timeOrigin + performance.now();

type EventName = "join" | "leave" | "kill";

const LABELS: Record<EventName, string> = {
  join: `${MEMBERS + 1}th member joins`,
  leave: "a member leaves (close)",
  kill: "a member is killed (SIGKILL)",
};

/** mulberry32: uniform in [0, 1), the same sequence for a seed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function sameSet(a: ReadonlySet<number>, b: ReadonlySet<number>): boolean {
  return a.size === b.size && [...a].every((p) => b.has(p));
}

function partitionsOf(tps: readonly TopicPartition[]): Set<number> {
  return new Set(tps.filter((tp) => tp.topic === TOPIC).map((tp) => tp.partition));
}

/**
 * The fewest partitions that must change owner to reach a balanced assignment (shares
 * differ by at most one): `counts` are what each member present after the change owned
 * before it (0 for a newcomer); whatever a departed member owned is in `partitions` but
 * in no count. The members holding most keep the larger shares.
 */
export function fewestMoves(counts: readonly number[], partitions: number): number {
  const base = Math.floor(partitions / counts.length);
  const larger = partitions % counts.length;
  return [...counts]
    .sort((a, b) => b - a)
    .reduce((moves, owned, i) => moves + Math.max(0, base + (i < larger ? 1 : 0) - owned), 0);
}

// ---------------------------------------------------------------------------------------
// Members

/** A group member as the benchmark sees it: what it owns, from its own callbacks. */
interface GroupMember {
  readonly name: string;
  readonly owned: Set<number>;
  /** Records it has read so far. */
  readonly recordsRead: number;
  /** Its member id once it has one; null when it has none yet or does not say (the child). */
  memberId(): string | null;
}

/** Applies one callback to a member's view and to the shared event log. */
function applyCallback(
  member: { readonly name: string; readonly owned: Set<number> },
  all: MemberEvent[],
  event: "assigned" | "revoked" | "lost",
  partitions: number[],
  at: number,
): void {
  for (const p of partitions) {
    if (event === "assigned") member.owned.add(p);
    else member.owned.delete(p);
  }
  all.push({ event, partitions, at, member: member.name });
}

/** An SDK Consumer in this process, with a Client of its own. */
class InProcessMember implements GroupMember {
  readonly owned = new Set<number>();
  recordsRead = 0;
  private readonly client: Client;
  private readonly consumer: Consumer;
  private reading: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    bootstrap: string,
    private readonly all: MemberEvent[],
  ) {
    this.client = new Client({ brokers: bootstrap, clientId: name, attemptTimeoutMs: 1500, requestTimeoutMs: 20_000 });
    this.consumer = this.client.consumer({
      groupId: GROUP,
      autoOffsetReset: "earliest",
      sessionTimeoutMs: MEMBER_SESSION_MS,
      rebalanceTimeoutMs: REBALANCE_TIMEOUT_MS,
      autoCommitIntervalMs: 1000,
      maxWaitMs: 200,
    });
  }

  join(): void {
    const on = (event: "assigned" | "revoked" | "lost") => (tps: TopicPartition[]) =>
      applyCallback(this, this.all, event, [...partitionsOf(tps)], now());
    this.consumer.subscribe([TOPIC], { onAssigned: on("assigned"), onRevoked: on("revoked"), onLost: on("lost") });
    this.reading = this.consumer.run({
      eachBatch: (batch) => {
        this.recordsRead += batch.records.length;
      },
    });
  }

  memberId(): string | null {
    return this.consumer.groupMember()?.memberId || null;
  }

  /** Commits, revokes everything (the onRevoked callback), leaves the group and closes. */
  async leave(): Promise<void> {
    await this.consumer.close();
    await this.reading;
    await this.client.close();
  }
}

/** scripts/harness/member-process.ts in a child process, so that it can be killed without leaving. */
class ChildMember implements GroupMember {
  readonly owned = new Set<number>();
  recordsRead = 0;
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private stderr = "";

  constructor(
    readonly name: string,
    bootstrap: string,
    private readonly all: MemberEvent[],
  ) {
    const settings = {
      bootstrap,
      groupId: GROUP,
      topic: TOPIC,
      sessionTimeoutMs: MEMBER_SESSION_MS,
      autoCommitIntervalMs: 1000,
    };
    this.child = spawn(
      process.execPath,
      ["--import", "tsx", "--conditions=tidelog-source", MEMBER_ENTRY, JSON.stringify(settings)],
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NODE_TEST_CONTEXT: undefined } },
    );
    this.exited = new Promise((resolve) => this.child.once("exit", () => resolve()));
    this.child.stderr?.on("data", (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    createInterface({ input: this.child.stdout as NodeJS.ReadableStream }).on("line", (line) => this.onLine(line));
    // Should this process end first (an error, ^C), the member must not outlive it.
    const killOnExit = () => this.child.kill("SIGKILL");
    process.once("exit", killOnExit);
    void this.exited.then(() => process.removeListener("exit", killOnExit));
  }

  private onLine(line: string): void {
    let e: { event?: string; partitions?: number[]; at?: number };
    try {
      e = JSON.parse(line) as typeof e;
    } catch {
      return; // A stray log line, not an event.
    }
    if (e.event === "record") this.recordsRead++;
    else if (e.event === "assigned" || e.event === "revoked" || e.event === "lost") {
      applyCallback(this, this.all, e.event, e.partitions ?? [], e.at ?? now());
    }
  }

  memberId(): null {
    return null;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGKILL; returns when it was sent (performance clock, and wall clock for broker logs). */
  async kill(): Promise<{ at: number; wallMs: number }> {
    const at = now();
    const wallMs = Date.now();
    if (this.running) {
      this.all.push({ event: "killed", at, member: this.name });
      this.child.kill("SIGKILL");
    }
    await this.exited;
    this.owned.clear();
    return { at, wallMs };
  }

  /** The end of its stderr, for an error message. */
  lastStderr(): string {
    return this.stderr;
  }
}

// ---------------------------------------------------------------------------------------
// Settling

/** partition -> owner name, when every partition has exactly one live owner; else null. */
function ownersOf(live: readonly GroupMember[]): Map<number, string> | null {
  const owners = new Map<number, string>();
  for (const m of live) {
    for (const p of m.owned) {
      if (owners.has(p)) return null;
      owners.set(p, m.name);
    }
  }
  return owners.size === PARTITIONS ? owners : null;
}

/** The definition of "settled" in the header: members' view, then the coordinator's, then both agree. */
async function isSettled(admin: Admin, live: readonly GroupMember[]): Promise<boolean> {
  if (ownersOf(live) === null) return false;
  const withoutId = live.filter((m) => m.memberId() === null);
  if (withoutId.length > 1) return false;
  const d = await admin.describeGroup(GROUP);
  if (d.state !== "stable" || d.members.length !== live.length) return false;
  const byId = new Map(live.flatMap((m) => (m.memberId() === null ? [] : [[m.memberId() as string, m] as const])));
  let anonymous = withoutId[0];
  for (const described of d.members) {
    const target = partitionsOf(described.targetAssignment);
    if (!sameSet(target, partitionsOf(described.assignment))) return false;
    let member = byId.get(described.memberId);
    if (member === undefined) {
      member = anonymous;
      anonymous = undefined;
    }
    if (member === undefined || !sameSet(member.owned, target)) return false;
  }
  return true;
}

interface Change {
  /** Who is in the group after the change. */
  readonly live: readonly GroupMember[];
  /** Made the change: when the clock starts. */
  readonly startedAt: number;
}

interface Outcome {
  /** From the change to the last callback of the settled group. */
  readonly settledMs: number;
  /** From that callback to the poll that confirmed it (describeGroup included). */
  readonly confirmLagMs: number;
  readonly moved: number;
  readonly fewest: number;
  /** Members present before and after. */
  readonly stayed: number;
  /** Of those, members with no revocation or loss during the change. */
  readonly keptReading: number;
  /** Of those, members that read records during the change. */
  readonly readDuring: number;
}

class GroupBench {
  /** Every callback of every member, in arrival order (MemberEvent.at orders them). */
  readonly all: MemberEvent[] = [];
  live: GroupMember[] = [];
  /** When the group last settled; no callback may come after it until the next change. */
  private settledAt = 0;
  /** The group's assignor, once it exists. */
  assignor = "";
  /** Every member ever started, for close(). */
  private readonly started: GroupMember[] = [];

  constructor(
    private readonly cluster: ClusterHandle,
    private readonly admin: Admin,
    /** Uniform in [0, 1), seeded: when in its heartbeat cycle each change comes. */
    readonly random: () => number,
  ) {}

  newInProcess(): InProcessMember {
    const m = new InProcessMember(`m${this.started.length}`, this.cluster.bootstrap, this.all);
    this.started.push(m);
    return m;
  }

  newChild(): ChildMember {
    const m = new ChildMember(`child${this.started.length}`, this.cluster.bootstrap, this.all);
    this.started.push(m);
    return m;
  }

  describe(): Promise<GroupDescription> {
    return this.admin.describeGroup(GROUP);
  }

  /** Closes the in-process members still in the group and kills every child member. */
  async close(): Promise<void> {
    await Promise.allSettled(
      this.started.map((m) =>
        m instanceof ChildMember ? m.kill() : this.live.includes(m) ? (m as InProcessMember).leave() : null,
      ),
    );
  }

  /** Waits until settled; returns the time of the last callback since `since`, and when it was confirmed. */
  async settle(since: number, timeoutMs: number): Promise<{ settledAt: number; confirmedAt: number }> {
    try {
      await waitFor(() => isSettled(this.admin, this.live), {
        description: `group ${GROUP} settled with ${this.live.map((m) => m.name).join(", ")}`,
        timeoutMs,
        intervalMs: POLL_MS,
      });
    } catch (e) {
      const children = this.live.flatMap((m) => (m instanceof ChildMember ? [`${m.name}: ${m.lastStderr()}`] : []));
      throw new Error(`${(e as Error).message}\nchild members' stderr:\n${children.join("\n")}`, { cause: e });
    }
    const confirmedAt = now();
    const callbacks = this.all.filter((e) => e.at >= since && e.event !== "record" && e.event !== "killed");
    if (callbacks.length === 0) throw new Error("the group settled after a change without a single callback");
    const settledAt = Math.max(...callbacks.map((e) => e.at));
    this.settledAt = settledAt;
    assertExclusiveOwnership(this.all);
    return { settledAt, confirmedAt };
  }

  /** Makes a change (returning who is in the group after it) and measures the group until it settles. */
  async measure(change: () => Change | Promise<Change>, timeoutMs: number): Promise<Outcome> {
    // The bench notices a settled group just after some member's heartbeat; starting the
    // next change at once would tie it to the members' heartbeat phase.
    await delay(this.random() * HEARTBEAT_MS);
    const late = this.all.filter((e) => e.at > this.settledAt && e.event !== "killed");
    if (late.length > 0) {
      throw new Error(
        `callbacks after the group was judged settled (the settle check is wrong): ${JSON.stringify(late)}`,
      );
    }
    const before = ownersOf(this.live);
    if (before === null) throw new Error("a change began on a group that was not settled");
    const beforeMembers = new Set(this.live);
    const readBefore = new Map(this.live.map((m) => [m, m.recordsRead]));
    const { live, startedAt } = await change();
    this.live = [...live];
    const { settledAt, confirmedAt } = await this.settle(startedAt, timeoutMs);
    const after = ownersOf(this.live) as Map<number, string>;
    const stayers = this.live.filter((m) => beforeMembers.has(m));
    const interrupted = new Set(
      this.all.filter((e) => e.at >= startedAt && (e.event === "revoked" || e.event === "lost")).map((e) => e.member),
    );
    const kept = stayers.filter((m) => !interrupted.has(m.name));
    const ownedBefore = (m: GroupMember) => [...before.values()].filter((owner) => owner === m.name).length;
    return {
      settledMs: settledAt - startedAt,
      confirmLagMs: confirmedAt - settledAt,
      moved: [...after].filter(([p, owner]) => before.get(p) !== owner).length,
      fewest: fewestMoves(this.live.map(ownedBefore), PARTITIONS),
      stayed: stayers.length,
      keptReading: kept.length,
      readDuring: kept.filter((m) => m.recordsRead > (readBefore.get(m) ?? 0)).length,
    };
  }
}

// ---------------------------------------------------------------------------------------
// The run

/** One record every PRODUCE_EVERY_MS, round-robin; `stop()` returns the first send error, if any. */
function trickle(producer: Producer): { stop(): Promise<void> } {
  let next = 0;
  let failure: unknown = null;
  const pending = new Set<Promise<unknown>>();
  const timer = setInterval(() => {
    const sent = producer
      .send(TOPIC, { value: `r${next}`, partition: next++ % PARTITIONS })
      .catch((e: unknown) => {
        failure ??= e;
      })
      .finally(() => pending.delete(sent));
    pending.add(sent);
  }, PRODUCE_EVERY_MS);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(pending);
      if (failure !== null) throw new Error("the record trickle failed", { cause: failure });
    },
  };
}

async function startGroup(g: GroupBench): Promise<void> {
  const inProcess = Array.from({ length: MEMBERS - 1 }, () => g.newInProcess());
  g.live = [...inProcess, g.newChild()];
  const startedAt = now();
  // Staggered over one heartbeat interval, so the members' heartbeats are not in step.
  await Promise.all(
    inProcess.map(async (m) => {
      await delay(g.random() * HEARTBEAT_MS);
      m.join();
    }),
  );
  await g.settle(startedAt, FIRST_SETTLE_TIMEOUT_MS);
  g.assignor = (await g.describe()).assignor;
}

/** One join, one leave, one kill and a refill; the group is back at 10 members after it. */
async function repetition(
  g: GroupBench,
  c: ClusterHandle,
  admin: Admin,
): Promise<Record<EventName, Outcome> & { removedMs: number }> {
  const join = await g.measure(() => {
    const joiner = g.newInProcess();
    const startedAt = now();
    joiner.join();
    return { live: [...g.live, joiner], startedAt };
  }, SETTLE_TIMEOUT_MS);

  // The longest-standing in-process member leaves; close() runs beside the measurement.
  let left: Promise<unknown> = Promise.resolve(null);
  const leave = await g.measure(() => {
    const leaver = g.live.find((m) => m instanceof InProcessMember) as InProcessMember;
    const startedAt = now();
    left = leaver.leave().then(
      () => null,
      (e: unknown) => e,
    );
    return { live: g.live.filter((m) => m !== leaver), startedAt };
  }, SETTLE_TIMEOUT_MS);
  const leaveError = await left;
  if (leaveError !== null) throw new Error("close() of the leaving member failed", { cause: leaveError });

  const victim = g.live.find((m) => m instanceof ChildMember) as ChildMember;
  const coordinator = c.broker((await admin.describeGroup(GROUP)).coordinatorId);
  const logSince = coordinator.logSeq;
  let killedWallMs = 0;
  const kill = await g.measure(async () => {
    const { at, wallMs } = await victim.kill();
    killedWallMs = wallMs;
    return { live: g.live.filter((m) => m !== victim), startedAt: at };
  }, MEMBER_SESSION_MS + SETTLE_TIMEOUT_MS);
  const removed = await coordinator.waitForLog(
    (r) => r.json?.msg === "member removed" && r.json.group === GROUP,
    1000,
    logSince,
  );
  const removedMs = Number(removed.json?.time) - killedWallMs;

  const refill = g.newChild();
  const refillAt = now();
  g.live = [...g.live, refill];
  await g.settle(refillAt, SETTLE_TIMEOUT_MS);
  return { join, leave, kill, removedMs };
}

const p50 = (values: readonly number[]) => percentiles([...values]).p50;
const p99 = (values: readonly number[]) => percentiles([...values]).p99;

/** "10 runs: 612, 655, ... ms": every run's value, for the note under a p99 or p50 row. */
function runs(values: readonly number[], unit: string): string {
  return `${values.length} runs: ${values.map((v) => (unit === "ms" ? Math.round(v) : v)).join(", ")} ${unit}`;
}

/** p50 and p99 rows of a time, the p99 row noting every run. */
function timeRows(name: string, values: readonly number[], note = ""): BenchRow[] {
  return [
    row(`${name} p50`, p50(values), "ms"),
    row(`${name} p99`, p99(values), "ms", { note: `${runs(values, "ms")}${note}` }),
  ];
}

function eventRows(name: EventName, outcomes: readonly Outcome[], removedMs: readonly number[]): BenchRow[] {
  const label = LABELS[name];
  const settled = outcomes.map((o) => o.settledMs);
  const confirm = `; confirmed by describeGroup a further ${Math.round(p50(outcomes.map((o) => o.confirmLagMs)))} ms later (p50)`;
  const rows: BenchRow[] = [];
  if (name === "kill") {
    const afterRemoval = outcomes.map((o, i) => o.settledMs - (removedMs[i] as number));
    rows.push(
      ...timeRows(`${label}: removed after`, removedMs),
      row(`${label}: removed after p50 / session timeout`, p50(removedMs) / MEMBER_SESSION_MS, "x"),
      ...timeRows(`${label}: settled after removal`, afterRemoval),
      row(`${label}: settled after removal p50 / heartbeat`, p50(afterRemoval) / HEARTBEAT_MS, "x"),
      ...timeRows(`${label}: settled after`, settled, confirm),
      row(`${label}: settled after p50 / session timeout`, p50(settled) / MEMBER_SESSION_MS, "x"),
    );
  } else {
    rows.push(
      ...timeRows(`${label}: settled after`, settled, confirm),
      row(`${label}: settled after p50 / heartbeat`, p50(settled) / HEARTBEAT_MS, "x"),
    );
  }
  const moved = outcomes.map((o) => o.moved);
  const fewest = outcomes.map((o) => o.fewest);
  const kept = outcomes.map((o) => o.keptReading);
  const stayed = outcomes.map((o) => o.stayed);
  const readDuring = outcomes.map((o) => o.readDuring).join(", ");
  rows.push(
    row(`${label}: partitions moved p50`, p50(moved), "partitions", {
      note: `${runs(moved, "partitions")}; the eager protocol revokes all ${PARTITIONS}`,
    }),
    row(`${label}: fewest partitions a balanced assignment moves (baseline)`, p50(fewest), "partitions", {
      note: runs(fewest, "partitions"),
    }),
    row(`${label}: partitions moved p50 / fewest`, p50(moved) / p50(fewest), "x"),
    row(`${label}: members kept reading (no revocation) p50`, p50(kept), "members", {
      note: `${runs(kept, "members")}, of ${p50(stayed)} that stayed (${readDuring} of them read records during the change); the eager protocol: 0`,
    }),
  );
  return rows;
}

export async function groupsBench(opts: { quick: boolean }): Promise<BenchRow[]> {
  const runs = opts.quick ? 2 : 10;
  const scope = createScope();
  let group: GroupBench | null = null;
  let client: Client | null = null;
  try {
    const c = await startCluster(scope, {
      brokers: 3,
      brokerConfig: BROKER_CONFIG,
    });
    client = new Client({ brokers: c.bootstrap, clientId: "bench-admin", requestTimeoutMs: 20_000 });
    const admin = client.admin();
    await waitFor(async () => (await admin.describeCluster()).brokers.length === 3, {
      description: "three brokers registered",
      timeoutMs: 30_000,
    });
    await admin.createTopic({ name: TOPIC, partitions: PARTITIONS, replicationFactor: 3 });
    const records = trickle(client.producer({ acks: 1, lingerMs: 2 }));
    const g = new GroupBench(c, admin, seededRandom(RANDOM_SEED));
    group = g;
    const outcomes: Record<EventName, Outcome[]> = { join: [], leave: [], kill: [] };
    const removedMs: number[] = [];
    try {
      await startGroup(g);
      for (let i = 0; i < runs; i++) {
        const r = await repetition(g, c, admin);
        for (const name of ["join", "leave", "kill"] as const) outcomes[name].push(r[name]);
        removedMs.push(r.removedMs);
      }
    } finally {
      await records.stop();
    }
    return [
      row("heartbeat interval (baseline)", HEARTBEAT_MS, "ms", {
        note: `group.consumer.heartbeat.interval.ms; brokers: ${Object.entries(BROKER_CONFIG)
          .map(([k, v]) => `${k}=${v}`)
          .join(", ")}`,
      }),
      row("member session timeout (baseline)", MEMBER_SESSION_MS, "ms", {
        note: `session.timeout.ms of every member; rebalance timeout ${REBALANCE_TIMEOUT_MS} ms; 3 brokers, ${PARTITIONS}-partition RF-3 topic, ${MEMBERS} members (${MEMBERS - 1} in this process, 1 in a child), ${g.assignor} assignor, ${1000 / PRODUCE_EVERY_MS} records/s flowing`,
      }),
      ...eventRows("join", outcomes.join, []),
      ...eventRows("leave", outcomes.leave, []),
      ...eventRows("kill", outcomes.kill, removedMs),
    ];
  } finally {
    // Members and clients before the brokers they talk to.
    await group?.close();
    await client?.close();
    await scope.close();
  }
}
