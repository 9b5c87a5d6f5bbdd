/**
 * A seeded, in-process simulation of whole brokers: three of them, each assembled as
 * `Broker.start` assembles one, from the broker's own classes (`MetadataWatch`,
 * `BrokerSession` and its `BrokerRegistration`, `Controller`, `ReplicaManager` with its
 * periodic ISR checks and the etcd ISR writer, `LogManager`), on one `InMemoryEtcd` and
 * one `ManualClock`, with a replicated topic of several partitions. What stands in for
 * the rest:
 * - gRPC between brokers: each follower has one fetch in flight per leader, carrying
 *   every partition it follows there (as the real fetcher's stream does), answered by
 *   the leader's `fetchForFollower` after the same broker-epoch check as
 *   replication-service.ts, and applied by `applyFollowerData`; the answer arrives 0-3
 *   ticks later or is lost, and a cut between two brokers stops fetches and the
 *   controller's log-end questions (leader recovery) both ways;
 * - etcd: each broker's connection hears changes up to 300 ms late and waits up to 60 ms
 *   for answers; every controller write is checked against the controller epoch in force
 *   when it commits (control-plane-sim.ts's WatchedConnection);
 * - clients: one idempotent acks=all producer per partition, one record in flight,
 *   finding the leader in etcd and appending through the leader's produce path
 *   (`leaderFor`, `appendRecordsAsLeader`), again with the same sequence until
 *   acknowledged; the network also delivers late copies of recent requests.
 *
 * Faults, up to two at a time: kill -9 (objects abandoned, connection cut for good, a new
 * process on the same directory later), a power cut (a kill, then sim-disk.ts takes what
 * was not fsynced from every log of the broker; one at a time, until the victim is back
 * in every ISR under its new incarnation, so every acknowledged record keeps a copy), a
 * broker cut from etcd, a cut between two brokers, and a controller deposed behind its
 * back.
 *
 * Checked at every step: controller writes fenced; every partition state's leader in its
 * ISR, epochs never back. At the end, healed and settled: one controller, every broker
 * registered, every partition led with its whole ISR and equal logs, and every
 * acknowledged record at its offset on every replica (the leader read through the
 * consumer Fetch path), no value twice.
 *
 * sim-cluster.ts simulates one partition with the controller's rules as pure functions
 * and finer network faults (pauses, slow ISR answers, held produces); this one runs the
 * real control plane around the same data path.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeRecordBatch, isTidelogError } from "@tidelog/client/record";
import { Random } from "../../clients/verify/src/random.js";
import { Controller } from "../../src/cluster/controller.js";
import { InMemoryEtcd, type InMemoryMetadataKv } from "../../src/cluster/in-memory-metadata-kv.js";
import { etcdIsrWriter } from "../../src/cluster/isr-writer.js";
import { keys, type PartitionState, parsePartitionStateKey } from "../../src/cluster/metadata-records.js";
import { MetadataWatch } from "../../src/cluster/metadata-store.js";
import { ManualClock } from "../../src/common/clock.js";
import { silentLogger } from "../../src/common/logger.js";
import { type TopicPartition, tpKey } from "../../src/common/topic-partition.js";
import { applyFollowerData, type FollowerAsked } from "../../src/replication/follower-apply.js";
import type { FollowerFetchResult } from "../../src/replication/follower-fetch.js";
import { ReplicaManager } from "../../src/replication/replica-manager.js";
import { BrokerSession } from "../../src/server/broker-session.js";
import { DEFAULT_LOG_CONFIG, validateLogConfig } from "../../src/storage/log-config.js";
import { LogManager } from "../../src/storage/log-manager.js";
import { readAll } from "../storage/fixtures.js";
import { WatchedConnection } from "./control-plane-sim.js";
import { type ReplicaRecords, replicaAnomalies } from "./replica-check.js";
import { consumeAll } from "./sim-cluster.js";
import { SimDisk } from "./sim-disk.js";
import { followerFetch } from "./sim-fetch.js";

const BROKERS = [1, 2, 3];
const TOPIC = "sim";
/** Partitions of the topic, unless BrokerSimOptions.partitions says otherwise. */
const PARTITIONS = 3;
const MIN_ISR = 2;
const TICK_MS = 100;
const SESSION_MS = 2_000;
const LAG_MS = 1_000;
const SEND_TIMEOUT_MS = 2_000;
/** Ticks the cluster gets to settle after the faults end. */
const SETTLE_TICKS = 600;
const WATCH_DELAY_MS_MAX = 300;
const REQUEST_DELAY_MS_MAX = 60;
/** A fetch answer arrives 0 to this many ticks late, or is lost with ANSWER_LOSS... */
const ANSWER_DELAY_TICKS_MAX = 3;
const ANSWER_LOSS = 0.03;
/** ...and then the follower asks again after this many ticks. */
const LOST_ANSWER_TIMEOUT_TICKS = 5;
/** Faults at once, at most, unless BrokerSimOptions.faultsMax says otherwise. */
const FAULTS_MAX = 2;
const FAULT_CHANCE = 0.08;
const LATE_COPY_CHANCE = 0.1;
const RECENT_REQUESTS_MAX = 5;
/** A live broker fsyncs its logs about once in this many ticks, and checkpoints every CHECKPOINT_TICKS. */
const FLUSH_TICKS = 5;
const CHECKPOINT_TICKS = 10;

const LOG_CONFIG = validateLogConfig({
  ...DEFAULT_LOG_CONFIG,
  segmentBytes: 1024,
  indexIntervalBytes: 128,
  maxMessageBytes: 1024,
  minInsyncReplicas: MIN_ISR,
});

export type BrokerSimFaultKind = "kill" | "power-loss" | "cut-etcd" | "cut-pair" | "depose";

export interface BrokerSimOptions {
  readonly seed: number;
  /** Ticks of faults and traffic before everything is healed and checked. */
  readonly ticks: number;
  /** Negative control: a power cut may take fsynced bytes too (sim-disk.ts). */
  readonly fsyncLies?: boolean;
  /** Partitions of the topic (default PARTITIONS), one producer each. */
  readonly partitions?: number;
  /** Faults in force at once, at most (default FAULTS_MAX). */
  readonly faultsMax?: number;
}

export interface BrokerSimResult {
  readonly seed: number;
  readonly simulatedMs: number;
  readonly acknowledged: number;
  readonly faults: Readonly<Record<BrokerSimFaultKind, number>>;
  readonly refusals: Readonly<Record<string, number>>;
  readonly anomalies: readonly string[];
  readonly trace: readonly string[];
}

/** How a failing seed of this simulation is replayed. */
export function brokerSimReplayCommand(seed: number, ticks: number): string {
  return `TIDELOG_SIM_SEED=${seed} TIDELOG_SIM_TICKS=${ticks} node --import tsx --conditions=tidelog-source --test test/sim/broker-sim.test.ts`;
}

interface InFlightFetch {
  readonly deliverAt: number;
  /** null: lost on the way. */
  readonly answers: readonly FollowerFetchResult[] | null;
  readonly asked: ReadonlyMap<string, FollowerAsked>;
}

/** One broker process: its objects live until it is killed. */
class SimProcess {
  dead = false;
  /** Its start-up (metadata read, registration, controller) finished. */
  started = false;
  readonly inflight = new Map<number, InFlightFetch>();

  constructor(
    readonly id: number,
    readonly raw: InMemoryMetadataKv,
    readonly logs: LogManager,
    readonly watch: MetadataWatch,
    readonly session: BrokerSession,
    readonly replicas: ReplicaManager,
    readonly controller: Controller,
  ) {}

  get live(): boolean {
    return !this.dead && this.started;
  }
}

interface Producer {
  readonly tp: TopicPartition;
  readonly producerId: number;
  sequence: number;
  sending: boolean;
  readonly recent: Buffer[];
}

interface Fault {
  readonly kind: BrokerSimFaultKind;
  readonly endsAtTick: number;
  readonly end: () => void;
}

export class BrokerSim {
  private readonly clock = new ManualClock();
  private readonly etcd = new InMemoryEtcd(this.clock);
  private readonly random: Random;
  private readonly root = mkdtempSync(join(tmpdir(), "tidelog-broker-sim-"));
  private readonly processes = new Map<number, SimProcess>();
  private readonly partitionCount: number;
  private readonly producers: Producer[];
  /** Acknowledged values by partition, then offset. */
  private readonly acked = new Map<string, Map<number, string>>();
  private readonly refusals: Record<string, number> = {};
  private readonly anomalies: string[] = [];
  private readonly trace: string[] = [];
  private readonly cuts = new Set<string>();
  private readonly epochs = new Map<string, { leaderEpoch: number; partitionEpoch: number }>();
  private faults: Fault[] = [];
  private readonly faultCounts: Record<BrokerSimFaultKind, number> = {
    kill: 0,
    "power-loss": 0,
    "cut-etcd": 0,
    "cut-pair": 0,
    depose: 0,
  };
  /** The last broker that lost power, until it is back in every ISR under its new incarnation. */
  private powerCut: number | null = null;
  private disk: SimDisk | null = null;
  private tick = 0;

  constructor(private readonly options: BrokerSimOptions) {
    this.random = Random.seeded(options.seed);
    this.partitionCount = options.partitions ?? PARTITIONS;
    this.producers = Array.from({ length: this.partitionCount }, (_, partition) => ({
      tp: { topic: TOPIC, partition },
      producerId: 1000 + partition,
      sequence: 0,
      sending: false,
      recent: [],
    }));
  }

  async run(): Promise<BrokerSimResult> {
    const started = this.clock.nowMs();
    this.disk = SimDisk.install(this.root);
    try {
      for (const id of BROKERS) this.start(id);
      await this.settle(() => this.live().length === BROKERS.length && this.activeControllers().length === 1);
      const [controller] = this.activeControllers();
      const created = await this.during(
        controller?.controller.createTopics(
          [
            {
              name: TOPIC,
              partitions: this.partitionCount,
              replicationFactor: 3,
              configs: { "min.insync.replicas": String(MIN_ISR) },
            },
          ],
          false,
        ) ?? Promise.reject(new Error("no controller")),
      );
      if (!created[0]?.ok) this.anomalies.push(`the topic was not created: ${JSON.stringify(created)}`);
      for (this.tick = 0; this.tick < this.options.ticks; this.tick++) {
        this.maybeFault();
        await this.step(true);
      }
      for (const f of this.faults) f.end();
      this.faults = [];
      const healed = await this.settle(() => this.settled());
      if (!healed) this.anomalies.push(`not settled after healing: ${this.describe()}`);
      else await this.checkLogs();
    } catch (e) {
      this.anomalies.push(`the simulation failed: ${(e as Error).stack ?? e}`);
    } finally {
      for (const p of this.processes.values()) this.abandon(p);
      this.disk.uninstall();
      rmSync(this.root, { recursive: true, force: true });
    }
    return {
      seed: this.options.seed,
      simulatedMs: this.clock.nowMs() - started,
      acknowledged: [...this.acked.values()].reduce((n, m) => n + m.size, 0),
      faults: { ...this.faultCounts },
      refusals: { ...this.refusals },
      anomalies: this.anomalies,
      trace: this.trace,
    };
  }

  // ------------------------------------------------------------------ processes

  /** A broker process, assembled as Broker.start assembles one (no gRPC, no coordinators). */
  private start(id: number): void {
    const raw = this.etcd.connect();
    raw.setWatchDelay(this.random.int(0, WATCH_DELAY_MS_MAX));
    raw.setRequestDelay(this.random.int(0, REQUEST_DELAY_MS_MAX));
    const kv = new WatchedConnection(raw, (epoch, inForce, ops) => this.deposedWrite(id, epoch, inForce, ops), false);
    const logs = LogManager.open({
      dataDir: join(this.root, `broker-${id}`),
      defaultConfig: LOG_CONFIG,
      clock: this.clock,
      logger: silentLogger,
      openFilesMax: 64,
    });
    const watch = new MetadataWatch(kv, silentLogger, { resyncIntervalMs: 300_000, clock: this.clock });
    const session = new BrokerSession();
    const replicas = new ReplicaManager({
      brokerId: id,
      isFenced: () => session.isFenced(),
      incarnation: () => session.incarnation,
      clock: this.clock,
      writeIsr: etcdIsrWriter(kv),
      replicaLagTimeMaxMs: LAG_MS,
      logManager: logs,
      logDefaults: LOG_CONFIG,
      logger: silentLogger,
    });
    watch.onChange((image) => void replicas.onMetadata(image, watch.isSynced).catch(() => {}));
    const controller = new Controller({
      store: kv,
      watch,
      brokerId: id,
      sessionTimeoutMs: SESSION_MS,
      reconcileIntervalMs: 5_000,
      defaultPartitions: 1,
      defaultReplicationFactor: 3,
      logDefaults: LOG_CONFIG,
      clock: this.clock,
      logger: silentLogger,
      random: () => this.random.int(0, 999_999) / 1_000_000,
      uncleanRecoveryTimeoutMs: -1,
      leaderBalance: null,
      describeReplicaLogs: async (brokerId, partitions) => {
        const other = this.processes.get(brokerId);
        if (!other?.live || this.isCut(id, brokerId)) throw new Error(`broker ${brokerId} unreachable`);
        return other.replicas.logEnds(partitions).map((e) => ({
          topic: e.tp.topic,
          partition: e.tp.partition,
          lastEpoch: e.lastEpoch,
          logEndOffset: e.logEndOffset,
        }));
      },
    });
    const p = new SimProcess(id, raw, logs, watch, session, replicas, controller);
    this.processes.set(id, p);
    const startUp = async () => {
      for (;;) {
        try {
          await watch.start();
          break;
        } catch {
          if (p.dead) return;
          await new Promise<void>((resolve) => this.clock.after(500, resolve));
        }
      }
      await replicas.onMetadata(watch.image, watch.isSynced);
      await session.register({
        store: kv,
        record: { id, host: "sim", port: 9000 + id, httpPort: 0, rack: null, startedAtMs: this.clock.nowMs() },
        sessionTimeoutMs: SESSION_MS,
        clock: this.clock,
        logger: silentLogger,
        reconcile: () => watch.resync().then(() => replicas.onMetadata(watch.image, watch.isSynced)),
        onFenceChange: () => {},
        storage: logs.health,
        registerTimeoutMs: 60_000,
      });
      if (p.dead) return;
      controller.start();
      replicas.startIsrChecks(Math.max(100, Math.floor(LAG_MS / 2)));
      p.started = true;
      this.log(`broker ${id} started, incarnation ${session.incarnation}`);
    };
    startUp().catch((e: unknown) => {
      if (!p.dead) this.anomalies.push(`broker ${id} did not start: ${(e as Error).stack ?? e}`);
    });
  }

  /** kill -9: the objects stop, the connection is cut for good, the files stay as they are. */
  private abandon(p: SimProcess): void {
    if (p.dead) return;
    p.dead = true;
    p.raw.setReachable(false);
    p.replicas.stop();
    void p.controller.stop().catch(() => {});
    void p.watch.close().catch(() => {});
    p.logs.abandon();
  }

  private live(): SimProcess[] {
    return [...this.processes.values()].filter((p) => p.live);
  }

  private activeControllers(): SimProcess[] {
    return this.live().filter((p) => p.controller.isActive);
  }

  // ------------------------------------------------------------------ one tick

  private async step(traffic: boolean): Promise<void> {
    for (const f of this.faults.filter((x) => x.endsAtTick <= this.tick)) f.end();
    this.faults = this.faults.filter((x) => x.endsAtTick > this.tick);
    this.releasePowerCut();
    await this.fetches();
    await this.storageDuties();
    if (traffic) {
      for (const producer of this.producers) if (!producer.sending) this.send(producer);
      if (this.random.chance(LATE_COPY_CHANCE)) this.deliverLate();
    }
    await this.clock.advanceAsync(TICK_MS, TICK_MS / 2);
    for (let i = 0; i < 4; i++) await new Promise((resolve) => setImmediate(resolve));
    this.checkStates();
  }

  /** Runs ticks (no traffic, no faults) until `done`, at most SETTLE_TICKS. */
  private async settle(done: () => boolean): Promise<boolean> {
    for (let i = 0; i < SETTLE_TICKS; i++, this.tick++) {
      if (done()) return true;
      await this.step(false);
    }
    return done();
  }

  /** Runs ticks until `p` settles (bounded): the components wait on timers of their own. */
  private async during<T>(p: Promise<T>): Promise<T> {
    let done = false;
    const settled = p.finally(() => {
      done = true;
    });
    settled.catch(() => {});
    for (let i = 0; i < SETTLE_TICKS && !done; i++) await this.step(false);
    return settled;
  }

  /** Every follower's one fetch per leader: sent, or its answer delivered. */
  private async fetches(): Promise<void> {
    for (const f of this.live()) {
      const byLeader = new Map<number, TopicPartition[]>();
      for (const p of f.replicas.all())
        if (p.role === "follower" && p.leader >= 0) byLeader.set(p.leader, [...(byLeader.get(p.leader) ?? []), p.tp]);
      for (const [leaderId, tps] of byLeader) {
        const inflight = f.inflight.get(leaderId);
        if (inflight) {
          if (this.tick < inflight.deliverAt) continue;
          f.inflight.delete(leaderId);
          if (inflight.answers !== null && !this.isCut(f.id, leaderId)) this.apply(f, inflight);
          continue;
        }
        const leader = this.processes.get(leaderId);
        if (!leader?.live || this.isCut(f.id, leaderId)) continue;
        // replication-service.ts admits only the follower's live registration's epoch.
        const brokerEpoch = f.session.brokerEpoch;
        if (brokerEpoch < 0 || leader.watch.image.brokers.get(f.id)?.createRevision !== brokerEpoch) continue;
        const partitions = tps.flatMap((tp) => f.replicas.get(tp) ?? []);
        const { answers, asked } = await followerFetch(leader.replicas, f.id, brokerEpoch, partitions);
        const lost = this.random.chance(ANSWER_LOSS);
        const fetch = {
          deliverAt: this.tick + (lost ? LOST_ANSWER_TIMEOUT_TICKS : this.random.int(0, ANSWER_DELAY_TICKS_MAX)),
          answers: lost ? null : answers,
          asked,
        };
        if (fetch.deliverAt === this.tick) this.apply(f, fetch);
        else f.inflight.set(leaderId, fetch);
      }
    }
  }

  /** A fetch answer reaches its follower, which applies each partition's part as the fetcher does. */
  private apply(f: SimProcess, fetch: InFlightFetch): void {
    for (const answer of fetch.answers ?? []) {
      const p = f.replicas.get(answer);
      const asked = fetch.asked.get(tpKey(answer));
      if (!p || !asked) continue;
      const outcome = applyFollowerData(p, answer, asked, silentLogger);
      if (outcome !== "applied")
        this.log(
          `broker ${f.id}: ${tpKey(answer)} answer ${outcome} (asked at ${asked.fetchOffset} in epoch ${asked.leaderEpoch}, error ${answer.error.code}, diverging ${JSON.stringify(answer.divergingEpoch)}); LEO now ${p.log.logEndOffset}`,
        );
    }
  }

  /** LogManager.start's duties: fsync now and then (flush.ms), checkpoints every CHECKPOINT_TICKS. */
  private async storageDuties(): Promise<void> {
    for (const p of this.live()) {
      if (this.random.chance(1 / FLUSH_TICKS))
        for (const { log } of p.logs.allLogs()) await log.flush().catch(() => {});
      if (this.tick % CHECKPOINT_TICKS === p.id) p.logs.writeCheckpoints();
    }
  }

  // ------------------------------------------------------------------ clients

  private leaderOf(tp: TopicPartition): SimProcess | undefined {
    const entry = this.etcd.entry(keys.partition(tp.topic, tp.partition));
    const state = entry ? (JSON.parse(entry.value) as PartitionState) : null;
    return state && state.leader >= 0 ? this.processes.get(state.leader) : undefined;
  }

  /** The producer of a partition sends its next record (or the last one again) to the leader etcd names. */
  private send(producer: Producer): void {
    const leader = this.leaderOf(producer.tp);
    if (!leader?.live) return;
    let p: ReturnType<ReplicaManager["leaderFor"]>;
    try {
      p = leader.replicas.leaderFor(producer.tp);
    } catch {
      return;
    }
    const sequence = producer.sequence;
    const value = `p${producer.tp.partition}-v${sequence}`;
    const batch = encodeRecordBatch({
      records: [{ key: "k", value, timestamp: this.clock.nowMs() }],
      producerId: producer.producerId,
      producerEpoch: 0,
      baseSequence: sequence,
    });
    producer.recent.push(batch);
    if (producer.recent.length > RECENT_REQUESTS_MAX) producer.recent.shift();
    producer.sending = true;
    p.appendRecordsAsLeader(batch, -1, SEND_TIMEOUT_MS, p.leaderEpoch).then(
      (r) => {
        producer.sending = false;
        producer.sequence = sequence + 1;
        const acked = this.acked.get(tpKey(producer.tp)) ?? new Map<number, string>();
        this.acked.set(tpKey(producer.tp), acked);
        const before = acked.get(r.baseOffset);
        if (before !== undefined && before !== value)
          this.anomalies.push(`${tpKey(producer.tp)}: offset ${r.baseOffset} acknowledged as ${before}, then ${value}`);
        acked.set(r.baseOffset, value);
        this.log(`${value} acknowledged at ${r.baseOffset} by broker ${leader.id} (epoch ${p.leaderEpoch})`);
      },
      (e: unknown) => {
        producer.sending = false;
        const code = isTidelogError(e) ? e.code : "UNKNOWN";
        this.refusals[code] = (this.refusals[code] ?? 0) + 1;
      },
    );
  }

  /** A copy of a recent request arrives late at a broker that believes it leads; nobody hears the answer. */
  private deliverLate(): void {
    const producer = this.random.pick(this.producers);
    const batch = producer.recent.length > 0 ? this.random.pick(producer.recent) : undefined;
    const broker = this.processes.get(this.random.pick(BROKERS));
    if (!batch || !broker?.live) return;
    try {
      const p = broker.replicas.leaderFor(producer.tp);
      p.appendRecordsAsLeader(batch, -1, SEND_TIMEOUT_MS, p.leaderEpoch).catch(() => {});
    } catch {
      // not the leader there: refused
    }
  }

  // ------------------------------------------------------------------ faults

  private isCut(a: number, b: number): boolean {
    return this.cuts.has(`${Math.min(a, b)}-${Math.max(a, b)}`);
  }

  private maybeFault(): void {
    if (this.faults.length >= (this.options.faultsMax ?? FAULTS_MAX) || !this.random.chance(FAULT_CHANCE)) return;
    const kind = this.random.pick<BrokerSimFaultKind>(["kill", "power-loss", "cut-etcd", "cut-pair", "depose"]);
    const busy = new Set(this.faults.map((f) => f.kind));
    const live = this.live();
    if (live.length === 0) return;
    const target = this.random.pick(live);
    const endsAtTick = this.tick + this.random.int(5, 40);
    const add = (end: () => void) => {
      this.faultCounts[kind]++;
      this.faults.push({ kind, endsAtTick, end });
      this.log(`fault ${kind} on broker ${target.id} for ${endsAtTick - this.tick} ticks`);
    };
    switch (kind) {
      case "kill":
        this.abandon(target);
        add(() => this.restart(target.id));
        return;
      case "power-loss": {
        if (busy.has("power-loss") || this.powerCut !== null) return;
        this.abandon(target);
        this.powerCut = target.id;
        const dir = join(this.root, `broker-${target.id}`);
        const damage = readdirSync(dir, { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .flatMap((e) => this.disk?.losePower(join(dir, e.name), this.random, this.options.fsyncLies) ?? []);
        add(() => this.restart(target.id));
        this.log(
          `broker ${target.id} lost power: ${damage.length === 0 ? "every file was on disk" : damage.join("; ")}`,
        );
        return;
      }
      case "cut-etcd":
        target.raw.setReachable(false);
        add(() => {
          if (!target.dead) target.raw.setReachable(true);
        });
        return;
      case "cut-pair": {
        const other = this.random.pick(BROKERS.filter((id) => id !== target.id));
        const key = `${Math.min(target.id, other)}-${Math.max(target.id, other)}`;
        this.cuts.add(key);
        add(() => this.cuts.delete(key));
        return;
      }
      case "depose": {
        const [controller] = this.activeControllers();
        const election = this.etcd
          .entries(keys.electionPrefix)
          .find((e) => controller && e.createRevision === controller.controller.epoch);
        if (!controller || !election) return;
        this.etcd.txn(
          [{ key: election.key, target: "Create", value: election.createRevision }],
          [{ kind: "delete", key: election.key }],
        );
        add(() => {});
        return;
      }
    }
  }

  private restart(id: number): void {
    this.processes.get(id)?.inflight.clear();
    this.start(id);
    this.log(`broker ${id} restarted`);
  }

  /** The last broker that lost power has every acknowledged record again once it is in every ISR under its new incarnation. */
  private releasePowerCut(): void {
    if (this.powerCut === null) return;
    const p = this.processes.get(this.powerCut);
    const incarnation = p?.live ? p.session.incarnation : -1;
    if (incarnation < 0) return;
    const states = this.states();
    if (
      states.length === this.partitionCount &&
      states.every(
        ({ state }) =>
          state.isr.includes(this.powerCut as number) && state.isrBrokerEpochs?.[String(this.powerCut)] === incarnation,
      )
    )
      this.powerCut = null;
  }

  // ------------------------------------------------------------------ checks

  private states(): { key: string; tp: TopicPartition; state: PartitionState }[] {
    return this.etcd.entries(keys.partitionsPrefix).flatMap((e) => {
      const tp = parsePartitionStateKey(e.key);
      return tp ? [{ key: e.key, tp, state: JSON.parse(e.value) as PartitionState }] : [];
    });
  }

  /** A controller's write committed while another controller was in force. */
  private deposedWrite(brokerId: number, fenceEpoch: number, inForce: number, ops: readonly { kind: string }[]): void {
    this.anomalies.push(
      `broker ${brokerId}, controller in epoch ${fenceEpoch}, wrote ${ops.length} op(s) while epoch ${inForce} was in force`,
    );
  }

  private checkStates(): void {
    for (const { key, state } of this.states()) {
      if (state.leader >= 0 && !state.isr.includes(state.leader))
        this.anomalies.push(`${key}: leader ${state.leader} not in its ISR [${state.isr}]`);
      const before = this.epochs.get(key);
      if (before && (state.leaderEpoch < before.leaderEpoch || state.partitionEpoch < before.partitionEpoch))
        this.anomalies.push(
          `${key}: epochs went back from ${before.leaderEpoch}/${before.partitionEpoch} to ${state.leaderEpoch}/${state.partitionEpoch}`,
        );
      this.epochs.set(key, { leaderEpoch: state.leaderEpoch, partitionEpoch: state.partitionEpoch });
    }
  }

  private settled(): boolean {
    if (this.live().length !== BROKERS.length || this.activeControllers().length !== 1) return false;
    if (this.producers.some((p) => p.sending)) return false;
    const states = this.states();
    return (
      states.length === this.partitionCount &&
      states.every(({ tp, state }) => {
        if (state.leader < 0 || state.isr.length !== BROKERS.length) return false;
        const leader = this.processes.get(state.leader)?.replicas.get(tp);
        if (leader?.role !== "leader") return false;
        return this.live().every((p) => {
          const log = p.replicas.get(tp)?.log;
          return log?.logEndOffset === leader.log.logEndOffset && log.highWatermark === log.logEndOffset;
        });
      })
    );
  }

  private async checkLogs(): Promise<void> {
    for (const { tp, state } of this.states()) {
      const replicas: ReplicaRecords[] = [];
      for (const p of this.live()) {
        const log = p.replicas.get(tp)?.log;
        if (!log) continue;
        // The leader is read as a consumer reads it (the broker's Fetch path); followers from their logs.
        replicas.push({
          brokerId: p.id,
          records: p.id === state.leader ? await consumeAll(p.replicas, tp) : readAll(log),
        });
      }
      const acked = this.acked.get(tpKey(tp)) ?? new Map<number, string>();
      this.anomalies.push(...replicaAnomalies(state.leader, replicas, acked, `${tpKey(tp)}, `));
    }
  }

  private describe(): string {
    const processes = [...this.processes.values()].map(
      (p) =>
        `broker ${p.id}: ${p.dead ? "dead" : p.started ? "live" : "starting"}${p.controller.isActive ? ", controller" : ""}, ` +
        `epoch ${p.session.brokerEpoch}${p.session.isFenced() ? " (fenced)" : ""}, sees brokers ${[...p.watch.image.brokers].map(([id, b]) => `${id}@${b.createRevision}`)} (synced ${p.watch.isSynced}), ` +
        p.replicas
          .all()
          .map(
            (r) =>
              `${tpKey(r.tp)} ${r.role} of ${r.leader} e${r.leaderEpoch} LEO ${r.log.logEndOffset} HW ${r.log.highWatermark}`,
          )
          .join(", "),
    );
    const states = this.states().map(({ key, state }) => `${key} ${JSON.stringify(state)}`);
    return [...processes, ...states].join("; ");
  }

  private log(line: string): void {
    this.trace.push(`${this.clock.nowMs() - START_MS} ms: ${line}`);
  }
}

const START_MS = new ManualClock().nowMs();
