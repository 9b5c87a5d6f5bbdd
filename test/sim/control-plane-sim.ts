/**
 * A seeded, in-process simulation of tidelog's control plane: three brokers, each with
 * its own `BrokerRegistration`, `MetadataWatch` and `Controller` (the broker's own classes,
 * unchanged), on one `InMemoryEtcd` and one `ManualClock`. No etcd server, no processes:
 * a schedule of faults runs in milliseconds.
 *
 * Faults, one at a time, each for a few seconds:
 * - depose: the controller's election key is deleted behind its back (its lease expired
 *   while it was paused): it believes it leads until a write of its is refused;
 * - cut: the broker's connection to etcd is cut and restored (etcd unreachable from it, or
 *   the broker paused: its lease runs out, its watch misses changes). It keeps running,
 *   so a controller that was deposed meanwhile tries to act on what it believed;
 * - kill: the broker's objects are abandoned with their connection cut for good (kill -9),
 *   and a new incarnation starts on a new connection after the fault.
 *
 * Checked at every step, from what etcd holds (the truth):
 * - no deposed controller writes: every committed controller write carries the epoch in
 *   force when it commits (a negative control takes the fence out and must see one);
 * - at most one controller can write: of the controllers that think they lead, at most
 *   one holds an election key whose create revision is its epoch;
 * - the controller epoch in force never decreases;
 * - every partition state: the leader is in the ISR (or there is none), the ISR is among
 *   the replicas, the leader epoch and partition epoch never decrease.
 * At the end, with every fault healed and the cluster settled: one active controller,
 * every broker registered, every partition led by a registered broker.
 *
 * Not here (see sim-cluster.ts for the data path): replicas and their logs. With no
 * ReplicaManager, nobody widens an ISR again, so a partition whose ISR lost every member
 * goes through leader recovery, answered for every live candidate as an empty log.
 */
import { Random } from "../../clients/verify/src/random.js";
import { BrokerRegistration } from "../../src/cluster/broker-registration.js";
import { Controller } from "../../src/cluster/controller.js";
import { InMemoryEtcd, type InMemoryMetadataKv } from "../../src/cluster/in-memory-metadata-kv.js";
import type {
  KvCampaignHandlers,
  KvCompare,
  KvOp,
  KvTxnResult,
  KvWatchHandlers,
  MetadataKv,
} from "../../src/cluster/metadata-kv.js";
import { keys, parsePartitionStateKey } from "../../src/cluster/metadata-records.js";
import { MetadataWatch } from "../../src/cluster/metadata-store.js";
import { ManualClock } from "../../src/common/clock.js";
import { type Logger, silentLogger } from "../../src/common/logger.js";
import { DEFAULT_LOG_CONFIG } from "../../src/storage/log-config.js";

const BROKERS = [1, 2, 3];
const SESSION_MS = 3000;
const TICK_MS = 100;
/** Ticks a settled cluster gets at the end before its state is checked. */
const SETTLE_TICKS = 300;
const PARTITIONS = 6;
/** The most a broker's watch lags behind etcd. */
const WATCH_DELAY_MS_MAX = 300;
/** The longest round trip of a broker's etcd call. */
const REQUEST_DELAY_MS_MAX = 60;

export interface ControlPlaneSimOptions {
  readonly seed: number;
  /** Ticks of faults before everything is healed. */
  readonly ticks: number;
  /**
   * Negative control: the controllers' writes lose their fence (the compare on their own
   * election key), as if fencing did not exist; a deposed controller's write must then be
   * seen.
   */
  readonly dropFence?: boolean;
}

export interface ControlPlaneSimResult {
  readonly seed: number;
  readonly anomalies: readonly string[];
  readonly faults: number;
  /** Controller elections seen (each new epoch in force). */
  readonly elections: number;
  readonly simulatedMs: number;
  readonly trace: readonly string[];
}

/**
 * The controller epoch in force at `revision`: the oldest election key alive then. Taken
 * from the store's history, not its present: a write's answer reaches the broker a step
 * after etcd applied it, and by then the writer may have resigned (a broker shutting
 * down deletes its key), which made a write fenced correctly look like a deposed
 * controller's (control-plane simulation, seed 2225 of 2001-2400).
 */
function controllerEpochAt(etcd: InMemoryEtcd, revision: number): number {
  let epoch = Number.POSITIVE_INFINITY;
  for (const e of etcd.entries(keys.electionPrefix))
    if (e.createRevision <= revision) epoch = Math.min(epoch, e.createRevision);
  // Keys deleted since `revision` were alive at it if they were created by then.
  const since = etcd.since(keys.electionPrefix, revision + 1);
  if (since === null) throw new Error(`the store's history no longer reaches revision ${revision}`);
  for (const e of since)
    if (e.value === null && e.createRevision <= revision) epoch = Math.min(epoch, e.createRevision);
  return epoch;
}

/**
 * A broker's connection, watched: every metadata write a controller commits is checked
 * against the controller epoch in force at the revision it committed at, and a deposed
 * controller's write (one must never commit) is reported; with dropFence the fence is
 * taken out of the writes first.
 */
export class WatchedConnection implements MetadataKv {
  constructor(
    readonly kv: InMemoryMetadataKv,
    private readonly onDeposedWrite: (fenceEpoch: number, inForce: number, ops: readonly KvOp[]) => void,
    private readonly dropFence: boolean,
  ) {}

  getAll(prefix: string) {
    return this.kv.getAll(prefix);
  }

  get(key: string) {
    return this.kv.get(key);
  }

  async txn(compares: readonly KvCompare[], ops: readonly KvOp[], elseGet?: string): Promise<KvTxnResult> {
    const fence = compares.find((c) => c.key.startsWith(keys.electionPrefix) && c.target === "Create");
    const sent = this.dropFence && fence ? compares.filter((c) => c !== fence) : compares;
    const result = await this.kv.txn(sent, ops, elseGet);
    if (result.succeeded && fence) {
      const inForce = controllerEpochAt(this.kv.etcd, result.revision);
      if (fence.value !== inForce) this.onDeposedWrite(fence.value, inForce, ops);
    }
    return result;
  }

  lease(ttlSeconds: number) {
    return this.kv.lease(ttlSeconds);
  }

  watch(prefix: string, fromRevision: number, handlers: KvWatchHandlers) {
    return this.kv.watch(prefix, fromRevision, handlers);
  }

  campaign(election: string, ttlSeconds: number, value: string, handlers: KvCampaignHandlers) {
    return this.kv.campaign(election, ttlSeconds, value, handlers);
  }

  close(): void {
    this.kv.close();
  }
}

interface SimBroker {
  readonly id: number;
  kv: InMemoryMetadataKv;
  watch: MetadataWatch;
  registration: BrokerRegistration;
  controller: Controller;
  incarnation: number;
}

export class ControlPlaneSim {
  private readonly clock = new ManualClock();
  private readonly etcd = new InMemoryEtcd(this.clock);
  private readonly random: Random;
  private readonly brokers: SimBroker[] = [];
  private readonly anomalies: string[] = [];
  private readonly trace: string[] = [];
  private readonly epochs = new Map<string, { leaderEpoch: number; partitionEpoch: number }>();
  private epochInForce = -1;
  private elections = 0;
  private faults = 0;
  private fault: { brokerId: number; kind: "cut" | "kill"; endsAtTick: number } | null = null;

  constructor(private readonly options: ControlPlaneSimOptions) {
    this.random = Random.seeded(options.seed);
  }

  async run(): Promise<ControlPlaneSimResult> {
    const started = this.clock.nowMs();
    for (const id of BROKERS) this.brokers.push(this.start(id, 0));
    await this.settle(() => this.active().length === 1, "a first controller");
    const [controller] = this.active();
    const [created] = await this.during(
      controller?.controller.createTopics(
        [{ name: "sim", partitions: PARTITIONS, replicationFactor: 3, configs: {} }],
        false,
      ) ?? Promise.reject(new Error("no controller")),
    );
    if (!created?.ok) this.anomalies.push(`the topic was not created: ${JSON.stringify(created)}`);
    try {
      for (let tick = 0; tick < this.options.ticks && this.anomalies.length === 0; tick++) {
        this.maybeFault(tick);
        await this.step();
        this.check();
      }
      this.heal();
      await this.settle(() => this.settled(), "a settled cluster");
      this.check();
      this.checkSettled();
    } finally {
      for (const b of this.brokers) await this.stop(b);
    }
    return {
      seed: this.options.seed,
      anomalies: this.anomalies,
      faults: this.faults,
      elections: this.elections,
      simulatedMs: this.clock.nowMs() - started,
      trace: this.trace,
    };
  }

  private start(id: number, incarnation: number): SimBroker {
    const raw = this.etcd.connect();
    // Each process hears of etcd's changes a little late, and waits for its answers, as
    // over a network.
    raw.setWatchDelay(this.random.int(0, WATCH_DELAY_MS_MAX));
    raw.setRequestDelay(this.random.int(0, REQUEST_DELAY_MS_MAX));
    const kv = new WatchedConnection(
      raw,
      (epoch, inForce, ops) => this.deposedWrite(id, epoch, inForce, ops),
      this.options.dropFence ?? false,
    );
    const watch = new MetadataWatch(kv, silentLogger, { resyncIntervalMs: 300_000, clock: this.clock });
    const registration = new BrokerRegistration({
      store: kv,
      record: { id, host: "127.0.0.1", port: 9000 + id, httpPort: 0, rack: null, startedAtMs: 0 },
      sessionTimeoutMs: SESSION_MS,
      clock: this.clock,
      logger: silentLogger,
      onLost: () => this.log(`broker ${id}: lease lost`),
      onRegistered: () => this.log(`broker ${id}: registered, epoch ${registration.brokerEpoch}`),
    });
    const controller = new Controller({
      store: kv,
      watch,
      brokerId: id,
      sessionTimeoutMs: SESSION_MS,
      reconcileIntervalMs: 5000,
      defaultPartitions: 1,
      defaultReplicationFactor: 3,
      logDefaults: DEFAULT_LOG_CONFIG,
      clock: this.clock,
      logger: this.controllerLogger(id),
      random: () => this.random.int(0, 1_000_000) / 1_000_000,
      uncleanRecoveryTimeoutMs: -1,
      leaderBalance: null,
      // No logs here: a live candidate answers as an empty one; a broker cut off does not answer.
      describeReplicaLogs: async (brokerId, partitions) => {
        const b = this.brokers.find((x) => x.id === brokerId);
        if (!b?.kv.reachable) throw new Error(`broker ${brokerId} unreachable`);
        return partitions.map((tp) => ({ ...tp, lastEpoch: -1, logEndOffset: 0 }));
      },
    });
    void watch.start().catch(() => {});
    void registration.register(Number.MAX_SAFE_INTEGER).catch(() => {});
    controller.start();
    return { id, kv: raw, watch, registration, controller, incarnation };
  }

  private async stop(b: SimBroker): Promise<void> {
    await this.during(Promise.all([b.controller.stop(), b.watch.close()]).catch(() => {}));
    b.kv.close();
  }

  /** Runs the clock until `p` settles (bounded): the components wait on timers of their own. */
  private async during<T>(p: Promise<T>): Promise<T> {
    let done = false;
    const settled = p.finally(() => {
      done = true;
    });
    settled.catch(() => {});
    for (let i = 0; i < 600 && !done; i++) await this.step();
    return settled;
  }

  private async step(): Promise<void> {
    await this.clock.advanceAsync(TICK_MS, TICK_MS / 2);
    for (let i = 0; i < 4; i++) await new Promise((resolve) => setImmediate(resolve));
  }

  private async settle(done: () => boolean, what: string): Promise<void> {
    for (let i = 0; i < SETTLE_TICKS; i++) {
      if (done()) return;
      await this.step();
    }
    if (!done()) this.anomalies.push(`no ${what} within ${SETTLE_TICKS} ticks: ${this.describe()}`);
  }

  private maybeFault(tick: number): void {
    const f = this.fault;
    if (f && tick >= f.endsAtTick) this.endFault();
    if (this.fault || !this.random.chance(0.05)) return;
    if (this.random.chance(0.25)) {
      this.depose();
      return;
    }
    const brokerId = this.random.pick(BROKERS);
    const kind = this.random.chance(0.6) ? "cut" : "kill";
    const b = this.broker(brokerId);
    this.fault = { brokerId, kind, endsAtTick: tick + this.random.int(10, 80) };
    this.faults++;
    this.log(`fault: ${kind} broker ${brokerId}${b.controller.isActive ? " (the controller)" : ""}`);
    b.kv.setReachable(false);
  }

  /**
   * The controller's election key vanishes behind its back, as when its lease expired
   * while it was paused: it still believes it leads until a write of its fails, and the
   * next candidate takes over meanwhile (the window controller-fencing.test.ts opens once).
   */
  private depose(): void {
    const [controller] = this.active();
    const key = this.etcd
      .entries(keys.electionPrefix)
      .find((e) => controller && e.createRevision === controller.controller.epoch);
    if (!controller || !key) return;
    this.faults++;
    this.log(`fault: broker ${controller.id}'s election key deleted behind its back (epoch ${key.createRevision})`);
    this.etcd.txn([{ key: key.key, target: "Create", value: key.createRevision }], [{ kind: "delete", key: key.key }]);
    // An admin request reaches it before its watch tells it (a client with stale
    // metadata): the fence must refuse the write.
    const name = `late-${this.faults}`;
    controller.controller
      .createTopics([{ name, partitions: 1, replicationFactor: 3, configs: {} }], false)
      .then(([r]) =>
        this.log(`deposed broker ${controller.id} asked to create ${name}: ${r?.ok ? "written" : "refused"}`),
      )
      .catch(() => {});
  }

  private endFault(): void {
    const f = this.fault;
    if (!f) return;
    this.fault = null;
    const b = this.broker(f.brokerId);
    if (f.kind === "cut") {
      b.kv.setReachable(true);
      this.log(`healed: broker ${f.brokerId} reaches etcd again`);
      return;
    }
    // kill -9: the old objects stay cut off for good (their timers run into a dead
    // connection); a new process starts.
    void b.controller.stop();
    void b.watch.close();
    const index = this.brokers.indexOf(b);
    this.brokers[index] = this.start(f.brokerId, b.incarnation + 1);
    this.log(`restarted: broker ${f.brokerId}`);
  }

  private heal(): void {
    this.endFault();
  }

  private broker(id: number): SimBroker {
    const b = this.brokers.find((x) => x.id === id);
    if (!b) throw new Error(`no broker ${id}`);
    return b;
  }

  private active(): SimBroker[] {
    return this.brokers.filter((b) => b.controller.isActive);
  }

  private check(): void {
    // Of the controllers that think they lead, only one may still hold its fence.
    const fenced = this.active().filter((b) => {
      const candidates = this.etcd.entries(keys.electionPrefix);
      return candidates.some((e) => e.createRevision === b.controller.epoch);
    });
    if (fenced.length > 1)
      this.anomalies.push(
        `two controllers can write: ${fenced.map((b) => `${b.id}@${b.controller.epoch}`).join(", ")}`,
      );
    const inForce = this.etcd
      .entries(keys.electionPrefix)
      .reduce((min, e) => Math.min(min, e.createRevision), Number.POSITIVE_INFINITY);
    if (Number.isFinite(inForce)) {
      if (inForce < this.epochInForce)
        this.anomalies.push(`the controller epoch went back from ${this.epochInForce} to ${inForce}`);
      if (inForce > this.epochInForce) {
        this.elections++;
        this.epochInForce = inForce;
      }
    }
    for (const e of this.etcd.entries(keys.partitionsPrefix)) {
      const tp = parsePartitionStateKey(e.key);
      if (!tp) continue;
      const s = JSON.parse(e.value) as { leader: number; leaderEpoch: number; partitionEpoch: number; isr: number[] };
      if (s.leader >= 0 && !s.isr.includes(s.leader))
        this.anomalies.push(`${e.key}: leader ${s.leader} not in its ISR [${s.isr}]`);
      if (s.isr.some((r) => !BROKERS.includes(r))) this.anomalies.push(`${e.key}: ISR [${s.isr}] outside the replicas`);
      const before = this.epochs.get(e.key);
      if (before && (s.leaderEpoch < before.leaderEpoch || s.partitionEpoch < before.partitionEpoch))
        this.anomalies.push(
          `${e.key}: epochs went back from ${before.leaderEpoch}/${before.partitionEpoch} to ${s.leaderEpoch}/${s.partitionEpoch}`,
        );
      this.epochs.set(e.key, { leaderEpoch: s.leaderEpoch, partitionEpoch: s.partitionEpoch });
    }
  }

  /**
   * What the controller logs, checked where it states a fact about etcd: a controller
   * that says its election key is gone must be right (a spurious step-down hands the
   * cluster to another controller for nothing, and repeated, it keeps it without one).
   */
  private controllerLogger(brokerId: number): Logger {
    const warn = (obj: object | string, msg?: string) => {
      if (msg !== "our election key is gone; campaigning again" || typeof obj === "string") return;
      const epoch = (obj as { controllerEpoch?: number }).controllerEpoch;
      this.log(`broker ${brokerId}: controller in epoch ${epoch} sees its election key gone`);
      if (this.etcd.entries(keys.electionPrefix).some((e) => e.createRevision === epoch))
        this.anomalies.push(
          `broker ${brokerId} stepped down as controller in epoch ${epoch} while its election key was there`,
        );
    };
    const logger: Logger = { ...silentLogger, warn: warn as Logger["warn"], child: () => logger };
    return logger;
  }

  /** A controller's write committed while another controller was in force. */
  private deposedWrite(brokerId: number, fenceEpoch: number, inForce: number, ops: readonly KvOp[]): void {
    this.anomalies.push(
      `broker ${brokerId}, controller in epoch ${fenceEpoch}, wrote while epoch ${inForce} was in force: ${ops.map((o) => `${o.kind} ${"key" in o ? o.key : o.prefix}`).join(", ")}`,
    );
  }

  private settled(): boolean {
    if (this.active().length !== 1) return false;
    const registered = new Set(this.etcd.entries(keys.brokersPrefix).map((e) => e.key));
    if (!BROKERS.every((id) => registered.has(keys.broker(id)))) return false;
    const states = this.etcd.entries(keys.partitionsPrefix);
    return (
      states.length === PARTITIONS &&
      states.every((e) => {
        const leader = (JSON.parse(e.value) as { leader: number }).leader;
        return leader >= 0 && registered.has(keys.broker(leader));
      })
    );
  }

  private checkSettled(): void {
    if (!this.settled()) this.anomalies.push(`not settled after healing: ${this.describe()}`);
  }

  private describe(): string {
    const states = this.etcd.entries(keys.partitionsPrefix).map((e) => `${e.key} ${e.value}`);
    return [
      `active: [${this.active().map((b) => `${b.id}@${b.controller.epoch}`)}]`,
      `registered: [${this.etcd.entries(keys.brokersPrefix).map((e) => e.key)}]`,
      ...states,
    ].join("; ");
  }

  private log(line: string): void {
    this.trace.push(`${this.clock.nowMs() - START_MS} ms: ${line}`);
  }
}

const START_MS = new ManualClock().nowMs();
