/**
 * A seeded, in-process simulation of one replicated partition on three brokers: the
 * broker's own replication code (ReplicaManager, Partition, PartitionLog and its
 * recovery, the follower's fetch and apply, the leader's ISR changes) and the
 * controller's own election rules (decideLeadership, leader recovery), driven by one
 * ManualClock, with the network, etcd and the controller's loop simulated around them.
 *
 * What is simulated, and how:
 * - etcd: registrations with a session (a dead or paused broker's registration expires
 *   SESSION_MS later; a restarted one registers only after that, under a new broker
 *   epoch and a new incarnation; a paused one registers again under a new epoch and the
 *   same incarnation), and the partition state written by compare-and-swap on its mod
 *   revision, by the controller and by the leader's ISR changes (nextIsrState).
 * - The controller: in half the ticks (it lags behind the brokers' view) it applies
 *   decideLeadership to the registered brokers, and runs leader recovery by asking the
 *   candidates' ReplicaManagers for their log ends.
 * - The network: a follower has one fetch in flight to its leader (fetchForFollower, then
 *   applyFollowerData), unless either is down or the pair is cut; the answer arrives 0-3
 *   ticks later (so after leadership may have moved) or is lost; metadata reaches a
 *   broker only while it can reach etcd.
 * - Faults, up to three at a time: kill -9 (the log intact), kill -9 with a torn tail (the
 *   active segment loses its last bytes, as a power cut leaves unflushed data), SIGSTOP
 *   past the session, a cut between two brokers, a broker cut from etcd. A torn tail is
 *   only injected once the last torn broker is back in the ISR, so holds every
 *   acknowledged record again (also those acknowledged after its tear on the strength of
 *   a fetch it made before): without fsync, two replicas losing their tails before either caught up
 *   can lose an acknowledged write in any system, so such a schedule would prove
 *   nothing. With one tear at a time, every acknowledged record (on at least
 *   min.insync.replicas = 2 replicas when acknowledged) always has an untorn copy, and a
 *   loss is the protocol's.
 * - With powerLoss, a power cut too (sim-disk.ts): every file of the broker keeps what it
 *   held at its last fsync, as the fsync calls themselves say, and may lose, tear or zero
 *   any of the rest, index and snapshot files included; under the same one-at-a-time
 *   rule. The brokers then run their fsync and checkpoint duties on the simulated clock,
 *   and segments are small enough to roll every dozen batches.
 * - With lateDuplicates, the network delivers copies of the producer's recent requests
 *   late, to any broker that believes it leads; idempotence must keep each record once.
 *
 * An idempotent producer sends one acks=all record at a time to whoever the metadata says
 * leads, again (same sequence) until it is acknowledged; an acknowledged write is one
 * whose append resolved. With heldProduces, half the appends wait up to 2 s after the
 * leader was found, as a transactional produce awaits its coordinator (long verify run 11). At the end every fault is healed, every broker runs, and the
 * partition settles; then every acknowledged record must be at its offset with its
 * value, read by a consumer from the leader (the broker's own Fetch path) and from every
 * follower's log, no value may be stored twice, and every follower's log must equal the
 * leader's record for record.
 * Invariants (HW <= LEO, epochs monotonic, leader in its ISR, ISR and ELR apart) are
 * asserted by the code itself at every step.
 */
import { mkdtempSync, readdirSync, rmSync, statSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeRecordBatch, isTidelogError } from "@tidelog/client/record";
import { Random } from "../../clients/verify/src/random.js";
import { nextIsrState } from "../../src/cluster/isr-writer.js";
import { type MetadataEntry, MetadataImage } from "../../src/cluster/metadata-image.js";
import type { BrokerRecord, PartitionState, TopicRecord } from "../../src/cluster/metadata-records.js";
import {
  decideLeadership,
  type ElectionInputs,
  electRecovered,
  initialPartitionState,
  mostCompleteLog,
  stampBrokerEpochs,
} from "../../src/cluster/partition-leader-election.js";
import { ManualClock } from "../../src/common/clock.js";
import { silentLogger } from "../../src/common/logger.js";
import { type TopicPartition, tpKey } from "../../src/common/topic-partition.js";
import { fetchForConsumer } from "../../src/replication/consumer-fetch.js";
import { applyFollowerData, type FollowerAsked } from "../../src/replication/follower-apply.js";
import type { FollowerFetchResult } from "../../src/replication/follower-fetch.js";
import type { Partition } from "../../src/replication/partition.js";
import { ReplicaManager } from "../../src/replication/replica-manager.js";
import { DEFAULT_LOG_CONFIG, type LogConfig, validateLogConfig } from "../../src/storage/log-config.js";
import { LogManager } from "../../src/storage/log-manager.js";
import { readAll, valuesIn } from "../storage/fixtures.js";
import { type ReplicaRecords, replicaAnomalies } from "./replica-check.js";
import { SimDisk } from "./sim-disk.js";
import { followerFetch } from "./sim-fetch.js";

const TOPIC = "sim";
const TP = { topic: TOPIC, partition: 0 };
const REPLICAS = [1, 2, 3];
const MIN_ISR = 2;
/** Simulated time per tick. */
const TICK_MS = 100;
const SESSION_MS = 1_000;
const LAG_MS = 1_000;
const SEND_TIMEOUT_MS = 2_000;
const PRODUCER_ID = 1000;
/** A follower's fetch answer arrives 0 to this many ticks late... */
const ANSWER_DELAY_TICKS_MAX = 3;
/** The latest an ISR write's answer reaches its leader, with slowIsrAnswers (20 ticks: 2 s). */
const ISR_ANSWER_DELAY_TICKS_MAX = 20;
/** ...or is lost, with this probability; the follower asks again after LOST_ANSWER_TIMEOUT_TICKS. */
const ANSWER_LOSS = 0.03;
const LOST_ANSWER_TIMEOUT_TICKS = 5;
/** The controller reconciles in a given tick with this probability (its lag). */
const CONTROLLER_CHANCE = 0.5;
/** With powerLoss, a broker fsyncs its log about once in this many ticks (flush.ms)... */
const FLUSH_TICKS = 5;
/** ...and writes its checkpoints (the recovery point among them) every this many. */
const CHECKPOINT_TICKS = 10;
/** With lateDuplicates, a copy of a recent request arrives late in a tick with this chance... */
const LATE_DUPLICATE_CHANCE = 0.1;
/** ...chosen among the producer's last this many requests (Kafka dedupes the last 5 batches). */
const RECENT_REQUESTS_MAX = 5;
/** Ticks the cluster gets to settle after the faults end. */
const SETTLE_TICKS = 300;
/**
 * With heldProduces, a produce waits up to this many ticks between finding the leader and
 * appending (as the broker's produce awaits the transaction coordinator between the two).
 */
const HOLD_TICKS_MAX = 20;

const LOG_CONFIG = validateLogConfig({
  ...DEFAULT_LOG_CONFIG,
  segmentBytes: 16 * 1024,
  indexIntervalBytes: 256,
  maxMessageBytes: 2048,
  minInsyncReplicas: MIN_ISR,
});
/**
 * With powerLoss, segments of about a dozen batches: a schedule then rolls segments
 * (an fsync of the old one, producer snapshots, sealed indexes), so a power cut meets
 * several files in every state.
 */
const SMALL_SEGMENTS_CONFIG = validateLogConfig({
  ...LOG_CONFIG,
  segmentBytes: 1024,
  indexIntervalBytes: 128,
  maxMessageBytes: 1024,
});

export type SimFaultKind = "kill" | "torn-tail" | "power-loss" | "pause" | "cut-pair" | "cut-etcd";

export interface SimOptions {
  readonly seed: number;
  /** Ticks of faults and traffic before the cluster is healed and checked. */
  readonly ticks: number;
  /**
   * Leader recovery's choice: the most complete log (tidelog's rule), or, as a negative
   * control, a live ISR member first, as elections worked before KIP-966.
   */
  readonly recovery?: "most-complete" | "isr-first";
  /** unclean.recovery.timeout.ms: -1 (the default) waits for every candidate. */
  readonly uncleanRecoveryTimeoutMs?: number;
  /**
   * false: a plain producer that sends a new record (no producer id) after each failure,
   * as the simulation's first version did; seeds found with it replay with it.
   */
  readonly idempotent?: boolean;
  /**
   * false: every fetch answer arrives within its tick and none is lost, as in the
   * simulation's first version; seeds found with it replay with it.
   */
  readonly networkDelays?: boolean;
  /**
   * true: a leader's ISR write commits in etcd at once but its answer arrives up to
   * ISR_ANSWER_DELAY_TICKS_MAX ticks later (a slow or paused etcd), so the controller and
   * the other brokers may act on the wider ISR before the leader learns it was written.
   * Long verify run 8 lost coordinator state in that window. Off: the answer comes within
   * the tick, as before; seeds found that way replay that way.
   */
  readonly slowIsrAnswers?: boolean;
  /**
   * true: half the produces wait 1 to HOLD_TICKS_MAX ticks between finding the leader and
   * appending, as a transactional produce awaits its coordinator (a paused broker's wait
   * ends only when it is thawed). Long verify run 11 lost writes that way: the awaited
   * append landed after leadership had moved. Off: the append follows at once, as before;
   * seeds found that way replay that way.
   */
  readonly heldProduces?: boolean;
  /**
   * Negative control for heldProduces: a held append that finds leadership moved is
   * written anyway, stamped with the replica's current epoch, and acknowledged once the
   * replica's high watermark passes it: the produce path before run 11's fix.
   */
  readonly appendWithoutRecheck?: boolean;
  /**
   * true: a broker may lose power (sim-disk.ts): every file keeps what it held at its last
   * fsync and may lose, tear or zero any of the rest, as the fsync calls (not the log's
   * own recovery point) say. The brokers then also run their fsync and checkpoint duties
   * (flush.ms, the recovery-point checkpoint) on the simulated clock. Off: no power cuts
   * and no duties, as before; seeds found that way replay that way.
   */
  readonly powerLoss?: boolean;
  /** Negative control for powerLoss: a power cut may take fsynced bytes too (a disk that lies about fsync). */
  readonly fsyncLies?: boolean;
  /**
   * true: the network delivers copies of the producer's recent requests late (a request
   * the client gave up on, retried elsewhere, and that still arrives), to whichever
   * broker it picks. The producer never hears of them; idempotence must keep each
   * record once. Off: each request arrives once, as before.
   */
  readonly lateDuplicates?: boolean;
}

export interface SimResult {
  readonly seed: number;
  readonly simulatedMs: number;
  readonly sent: number;
  readonly acknowledged: number;
  readonly faults: Readonly<Record<SimFaultKind, number>>;
  readonly leaderRecoveries: number;
  /** Copies of earlier requests delivered late (lateDuplicates). */
  readonly lateDeliveries: number;
  /** Sends refused or timed out (then sent again), by error code. */
  readonly refusals: Readonly<Record<string, number>>;
  /** Anomalies: each a sentence naming the offset and what was found there. */
  readonly anomalies: readonly string[];
  /** The events of the run, for a failing seed's report. */
  readonly trace: readonly string[];
}

/** How a failing seed is replayed. */
export function replayCommand(seed: number, ticks: number): string {
  return `TIDELOG_SIM_SEED=${seed} TIDELOG_SIM_TICKS=${ticks} node --import tsx --conditions=tidelog-source --test test/sim/replication-sim.test.ts`;
}

interface Registration {
  readonly epoch: number;
  readonly incarnation: number;
}

interface Fault {
  readonly kind: SimFaultKind;
  readonly endsAt: number;
  readonly end: () => void;
}

class SimBroker {
  logs: LogManager | null = null;
  replicas: ReplicaManager | null = null;
  /** Down (killed, not restarted yet). */
  down = true;
  paused = false;
  cutFromEtcd = false;
  /** This process's first registration's epoch; -1 before it registered. */
  incarnation = -1;
  /** When this broker's registration expires unless kept alive (a dead or silent process's does). */
  expiresAt = Number.POSITIVE_INFINITY;
  /** The last keep-alive of this process's own registration. */
  lastKeepAliveMs = Number.NEGATIVE_INFINITY;
  /** The ISR check waiting for its write's answer (slowIsrAnswers), or null. */
  isrCheck: Promise<void> | null = null;
  /** This follower's fetch whose answer is on its way (null answer: lost on the way). */
  inflight: {
    leaderId: number;
    asked: FollowerAsked;
    answer: FollowerFetchResult | null;
    deliverAt: number;
  } | null = null;

  constructor(
    readonly id: number,
    readonly dir: string,
  ) {}

  get reachable(): boolean {
    return !this.down && !this.paused;
  }

  start(sim: SimCluster): void {
    const logs = LogManager.open({
      dataDir: this.dir,
      defaultConfig: sim.logConfig,
      clock: sim.clock,
      logger: silentLogger,
      openFilesMax: 64,
    });
    this.logs = logs;
    this.replicas = new ReplicaManager({
      brokerId: this.id,
      // As BrokerRegistration.isFenced: not registered by this process, or no keep-alive for a session.
      isFenced: () =>
        this.incarnation < 0 ||
        sim.registration(this.id)?.incarnation !== this.incarnation ||
        sim.clock.nowMs() - this.lastKeepAliveMs > SESSION_MS,
      incarnation: () => this.incarnation,
      clock: sim.clock,
      writeIsr: async (changes) => {
        const written = changes.map((c) =>
          sim.casState(
            c.current.modRevision,
            nextIsrState(c.current.value, c.isr, c.joiningEpochs, c.minIsr),
            `broker ${this.id} ISR`,
          ),
        );
        const delayMs = sim.isrAnswerDelayMs();
        if (delayMs > 0) await new Promise<void>((resolve) => sim.clock.after(delayMs, resolve));
        return written;
      },
      replicaLagTimeMaxMs: LAG_MS,
      logManager: logs,
      logDefaults: sim.logConfig,
      logger: silentLogger,
    });
    this.down = false;
    this.paused = false;
    this.incarnation = -1;
    this.inflight = null;
  }

  /** kill -9: the objects are dropped, the files left as they are (then torn, maybe). */
  crash(): void {
    this.isrCheck = null;
    this.replicas?.stop();
    this.logs?.abandon();
    this.replicas = null;
    this.logs = null;
    this.down = true;
  }
}

export class SimCluster {
  readonly clock = new ManualClock();
  private readonly random: Random;
  private readonly root = mkdtempSync(join(tmpdir(), "tidelog-sim-"));
  private readonly brokers = REPLICAS.map((id) => new SimBroker(id, join(this.root, `broker-${id}`)));
  private readonly registrations = new Map<number, Registration>();
  private revision = 1;
  private state: { value: PartitionState; modRevision: number } | null = null;
  private readonly topicRecord: TopicRecord = {
    name: TOPIC,
    topicId: "sim-topic-id",
    assignment: [REPLICAS],
    configs: { "min.insync.replicas": String(MIN_ISR) },
    internal: false,
  };
  private faults: Fault[] = [];
  private recoveringSince: number | null = null;
  private tick = 0;
  private sending = false;
  /** The produce waiting between finding its leader and appending (heldProduces), or null. */
  private held: {
    readonly dueTick: number;
    readonly broker: SimBroker;
    readonly replicas: ReplicaManager;
    readonly append: () => void;
  } | null = null;
  /** The idempotent producer's next sequence: the record it sends until acknowledged. */
  private sequence = 0;
  /** Sends refused or timed out, by error code. */
  private readonly refusals: Record<string, number> = {};
  private sent = 0;
  private readonly acked = new Map<number, string>();
  private readonly faultCounts: Record<SimFaultKind, number> = {
    kill: 0,
    "torn-tail": 0,
    "power-loss": 0,
    pause: 0,
    "cut-pair": 0,
    "cut-etcd": 0,
  };
  private recoveries = 0;
  /** The producer's last requests, for lateDuplicates. */
  private readonly recentRequests: { batch: Buffer; value: string }[] = [];
  private lateDeliveries = 0;
  private readonly anomalies: string[] = [];
  private readonly trace: string[] = [];
  private readonly cuts = new Set<string>();
  /** The last torn broker, until it is back in the ISR (so holds every acknowledged record again). */
  private torn: { id: number; incarnation: number } | null = null;
  readonly logConfig: LogConfig;
  /** What each file held at its last fsync, with powerLoss; else null. */
  private disk: SimDisk | null = null;

  constructor(private readonly options: SimOptions) {
    this.random = Random.seeded(options.seed);
    this.logConfig = options.powerLoss ? SMALL_SEGMENTS_CONFIG : LOG_CONFIG;
  }

  registration(id: number): Registration | undefined {
    return this.registrations.get(id);
  }

  async run(): Promise<SimResult> {
    this.disk = this.options.powerLoss ? SimDisk.install(this.root) : null;
    try {
      for (const b of this.brokers) b.start(this);
      for (this.tick = 0; this.tick < this.options.ticks; this.tick++) {
        this.maybeFault();
        await this.step(true);
      }
      this.healAll();
      for (let i = 0; i < SETTLE_TICKS && !this.settled(); i++, this.tick++) await this.step(false);
      await this.check();
      return {
        seed: this.options.seed,
        simulatedMs: (this.options.ticks + SETTLE_TICKS) * TICK_MS,
        sent: this.sent,
        acknowledged: this.acked.size,
        faults: { ...this.faultCounts },
        leaderRecoveries: this.recoveries,
        lateDeliveries: this.lateDeliveries,
        refusals: { ...this.refusals },
        anomalies: this.anomalies,
        trace: this.trace,
      };
    } finally {
      for (const b of this.brokers) b.crash();
      this.disk?.uninstall();
      rmSync(this.root, { recursive: true, force: true });
    }
  }

  // ------------------------------------------------------------------ one tick

  private async step(traffic: boolean): Promise<void> {
    const now = this.clock.nowMs();
    // The last torn broker has every acknowledged record again once it is back in the ISR
    // under its new incarnation: a follower joins only when it has reached the high watermark.
    const torn = this.torn === null ? undefined : this.brokers[this.torn.id - 1];
    const stamp = torn && this.state?.value.isrBrokerEpochs?.[String(torn.id)];
    if (torn && this.torn && stamp !== undefined && stamp !== this.torn.incarnation && stamp === torn.incarnation)
      this.torn = null;
    for (const f of this.faults.filter((x) => x.endsAt <= now)) f.end();
    this.faults = this.faults.filter((x) => x.endsAt > now);
    this.sessions();
    // The first version's order: the controller reacts within the tick, before any broker
    // sees a change. Now brokers see registrations and states first, and the controller
    // reacts in a later tick half the time, as its watch and reconciliation lag in life.
    const first = this.options.networkDelays === false;
    if (first) this.controller();
    await this.deliverMetadata();
    await this.fetchAll();
    if (this.disk) await this.storageDuties();
    for (const b of this.brokers) {
      if (!b.reachable || !b.replicas || b.isrCheck) continue;
      const check = b.replicas.checkIsr();
      if (!this.options.slowIsrAnswers) {
        await check;
        continue;
      }
      // Runs on across ticks; a crash meanwhile drops the broker's objects, and the
      // late answer then lands on them harmlessly (or fails on a closed log: ignored).
      const pending: Promise<void> = check
        .catch((e: unknown) => {
          if (!b.down) throw e;
        })
        .finally(() => {
          if (b.isrCheck === pending) b.isrCheck = null;
        });
      b.isrCheck = pending;
    }
    if (!first && this.random.chance(CONTROLLER_CHANCE)) this.controller();
    await this.deliverMetadata();
    this.releaseHeld();
    if (traffic && !this.sending) this.send();
    if (traffic && this.options.lateDuplicates && this.random.chance(LATE_DUPLICATE_CHANCE)) this.deliverLate();
    this.clock.advance(TICK_MS);
    await drain();
  }

  /**
   * What LogManager.start runs on timers in a broker: an fsync when flush.ms is due (here
   * at random, about every FLUSH_TICKS), and the checkpoints (recovery points, high
   * watermarks) every CHECKPOINT_TICKS. Awaited within the tick, so a seed replays.
   */
  private async storageDuties(): Promise<void> {
    for (const b of this.brokers) {
      const log = b.reachable ? b.logs?.getLog(TP) : undefined;
      if (!log || !b.logs) continue;
      if (this.random.chance(1 / FLUSH_TICKS)) await log.flush().catch(() => {});
      if (this.tick % CHECKPOINT_TICKS === b.id) b.logs.writeCheckpoints();
    }
  }

  /** Registrations: expiry of the silent, registration of the live. */
  private sessions(): void {
    const now = this.clock.nowMs();
    for (const b of this.brokers) {
      const reg = this.registrations.get(b.id);
      const silent = b.down || b.paused || b.cutFromEtcd;
      // A restarted process cannot keep its predecessor's lease alive: that one lapses.
      const ours = reg !== undefined && !b.down && reg.incarnation === b.incarnation;
      if (reg && (silent || !ours) && now >= b.expiresAt) {
        this.registrations.delete(b.id);
        this.log(`broker ${b.id} registration expired`);
      }
      if (ours && !silent) {
        b.expiresAt = now + SESSION_MS;
        b.lastKeepAliveMs = now;
      }
      if (!this.registrations.has(b.id) && !silent) {
        const epoch = this.bump();
        if (b.incarnation < 0) b.incarnation = epoch;
        this.registrations.set(b.id, { epoch, incarnation: b.incarnation });
        b.expiresAt = now + SESSION_MS;
        b.lastKeepAliveMs = now;
        this.log(`broker ${b.id} registered, epoch ${epoch}, incarnation ${b.incarnation}`);
      }
    }
  }

  private bump(): number {
    this.revision += 1;
    return this.revision;
  }

  /** How long an ISR write's answer takes to reach its leader: 0 unless slowIsrAnswers. */
  isrAnswerDelayMs(): number {
    return this.options.slowIsrAnswers ? this.random.int(0, ISR_ANSWER_DELAY_TICKS_MAX) * TICK_MS : 0;
  }

  casState(expectedMod: number, next: PartitionState, who: string): boolean {
    if (!this.state || this.state.modRevision !== expectedMod) return false;
    this.log(`${who}: leader ${next.leader} epoch ${next.leaderEpoch} isr [${next.isr}] elr [${next.elr ?? []}]`);
    this.state = { value: next, modRevision: this.bump() };
    return true;
  }

  /** The controller's reconciliation of the one partition, with leader recovery. */
  private controller(): void {
    const alive = new Set(this.registrations.keys());
    const epochs = new Map([...this.registrations].map(([id, r]) => [id, r.incarnation]));
    if (!this.state) {
      const initial = stampBrokerEpochs(initialPartitionState(this.topicRecord.topicId, REPLICAS, alive), epochs);
      this.state = { value: initial, modRevision: this.bump() };
      return;
    }
    const inputs: ElectionInputs = { replicas: REPLICAS, alive, brokerEpochs: epochs, minIsr: MIN_ISR };
    const decision = decideLeadership(this.state.value, inputs);
    if (decision.kind === "changed") {
      this.recoveringSince = null;
      this.casState(this.state.modRevision, decision.state, "controller");
      return;
    }
    if (decision.kind === "unchanged") {
      this.recoveringSince = null;
      return;
    }
    const now = this.clock.nowMs();
    this.recoveringSince ??= now;
    const live = decision.candidates.filter((b) => alive.has(b));
    const timeout = this.options.uncleanRecoveryTimeoutMs ?? -1;
    const timedOut = timeout >= 0 && now - this.recoveringSince >= timeout;
    const answered = live.flatMap((b) => {
      const broker = this.brokers[b - 1];
      const end = broker?.reachable ? broker.replicas?.logEnds([TP])[0] : undefined;
      return end ? [{ brokerId: b, lastEpoch: end.lastEpoch, logEndOffset: end.logEndOffset }] : [];
    });
    const ready = live.length > 0 && (live.length === decision.candidates.length || timedOut);
    const chosen =
      this.options.recovery === "isr-first"
        ? (answered.find((a) => this.state?.value.isr.includes(a.brokerId)) ?? null)
        : mostCompleteLog(answered, REPLICAS);
    const winner = ready && answered.length === live.length ? (chosen ?? mostCompleteLog(answered, REPLICAS)) : null;
    if (winner) {
      this.recoveries++;
      this.log(`leader recovery: ${JSON.stringify(answered)} -> ${winner.brokerId}`);
      this.casState(this.state.modRevision, electRecovered(this.state.value, winner.brokerId, inputs), "recovery");
    } else if (decision.offline) this.casState(this.state.modRevision, decision.offline, "controller (offline)");
  }

  private image(): MetadataImage {
    const entries: MetadataEntry[] = [
      { key: `topics/${TOPIC}`, value: JSON.stringify(this.topicRecord), modRevision: 1, createRevision: 1 },
    ];
    for (const [id, reg] of this.registrations) {
      const record: BrokerRecord = {
        id,
        host: "sim",
        port: 9000 + id,
        httpPort: 0,
        rack: null,
        startedAtMs: 0,
        incarnation: reg.incarnation,
      };
      entries.push({
        key: `brokers/${id}`,
        value: JSON.stringify(record),
        modRevision: reg.epoch,
        createRevision: reg.epoch,
      });
    }
    if (this.state)
      entries.push({
        key: `partitions/${TOPIC}/0`,
        value: JSON.stringify(this.state.value),
        modRevision: this.state.modRevision,
        createRevision: 1,
      });
    return MetadataImage.fromEntries(entries, this.revision, silentLogger);
  }

  private async deliverMetadata(): Promise<void> {
    const image = this.image();
    for (const b of this.brokers)
      if (b.reachable && !b.cutFromEtcd && b.replicas) await b.replicas.onMetadata(image, true);
  }

  /** Each follower's one fetch from its leader, unless something stands between them. */
  private async fetchAll(): Promise<void> {
    for (const f of this.brokers) {
      const p = f.reachable ? f.replicas?.get(TP) : undefined;
      if (p?.role !== "follower") continue;
      // One fetch in flight per follower, as on the real stream: its answer arrives some
      // ticks later, or is lost (then the follower asks again after a timeout).
      const inflight = f.inflight;
      if (inflight) {
        if (this.tick < inflight.deliverAt) continue;
        f.inflight = null;
        if (inflight.answer === null || this.isCut(f.id, inflight.leaderId)) continue;
        this.applied(f, p, inflight.answer, inflight.asked);
        continue;
      }
      if (p.leader < 0) continue;
      const leader = this.brokers[p.leader - 1];
      if (!leader?.reachable || !leader.replicas || this.isCut(f.id, leader.id)) continue;
      // The leader's service admits only a live registration's epoch (as replication-service.ts does).
      const reg = this.registrations.get(f.id);
      if (!reg || reg.incarnation !== f.incarnation) continue;
      const fetched = await followerFetch(leader.replicas, f.id, reg.epoch, [p]);
      const [answer] = fetched.answers;
      const asked = fetched.asked.get(tpKey(TP));
      if (!answer || !asked) continue;
      if (this.options.networkDelays === false) {
        this.applied(f, p, answer, asked);
        continue;
      }
      const lost = this.random.chance(ANSWER_LOSS);
      f.inflight = {
        leaderId: leader.id,
        asked,
        answer: lost ? null : answer,
        deliverAt: this.tick + (lost ? LOST_ANSWER_TIMEOUT_TICKS : this.random.int(0, ANSWER_DELAY_TICKS_MAX)),
      };
      if (f.inflight.deliverAt === this.tick) {
        f.inflight = null;
        this.applied(f, p, answer, asked);
      }
    }
  }

  /** Applies a fetch answer as the fetcher does; what was not plainly applied goes in the trace. */
  private applied(f: SimBroker, p: Partition, answer: FollowerFetchResult, asked: FollowerAsked): void {
    const outcome = applyFollowerData(p, answer, asked, silentLogger);
    if (outcome !== "applied")
      this.log(
        `broker ${f.id}: answer from ${p.leader} ${outcome} (asked at ${asked.fetchOffset} in epoch ${asked.leaderEpoch}, error ${answer.error.code}, diverging ${JSON.stringify(answer.divergingEpoch)}); LEO now ${p.log.logEndOffset}`,
      );
  }

  /**
   * One acks=all record of an idempotent producer to the leader it believes in, at most
   * one in flight: a record not acknowledged is sent again, same sequence, until it is
   * (as the SDK retries), so a retry that the log failed to deduplicate shows as a
   * duplicate value.
   */
  private send(): void {
    const leaderId = this.state?.value.leader ?? -1;
    const leader = this.brokers[leaderId - 1];
    if (!leader?.reachable || !leader.replicas) return;
    let p: ReturnType<ReplicaManager["leaderFor"]>;
    try {
      p = leader.replicas.leaderFor(TP);
    } catch {
      return; // not the leader (yet, or any more), or fenced: a client would retry
    }
    const idempotent = this.options.idempotent ?? true;
    const sequence = idempotent ? this.sequence : this.sent;
    const value = `v${sequence}`;
    this.sent++;
    this.sending = true;
    const record = { key: "k", value, timestamp: this.clock.nowMs() };
    const batch = encodeRecordBatch(
      idempotent
        ? { records: [record], producerId: PRODUCER_ID, producerEpoch: 0, baseSequence: sequence }
        : { records: [record] },
    );
    if (this.options.lateDuplicates) {
      this.recentRequests.push({ batch, value });
      if (this.recentRequests.length > RECENT_REQUESTS_MAX) this.recentRequests.shift();
    }
    const foundEpoch = p.leaderEpoch;
    const append = (): void => this.append(leader, p, foundEpoch, batch, sequence, value);
    const holdTicks = this.options.heldProduces && this.random.chance(0.5) ? this.random.int(1, HOLD_TICKS_MAX) : 0;
    if (holdTicks === 0) append();
    else this.held = { dueTick: this.tick + holdTicks, broker: leader, replicas: leader.replicas, append };
  }

  /**
   * A copy of one of the producer's recent requests arrives at a broker now. Only a
   * broker that believes it leads takes it (as the produce path checks leaderFor); the
   * producer, which has moved on, never sees the answer.
   */
  private deliverLate(): void {
    const request = this.recentRequests.length > 0 ? this.random.pick(this.recentRequests) : undefined;
    const broker = this.random.pick(this.brokers);
    if (!request || !broker.reachable || !broker.replicas) return;
    let p: ReturnType<ReplicaManager["leaderFor"]>;
    try {
      p = broker.replicas.leaderFor(TP);
    } catch {
      return;
    }
    this.lateDeliveries++;
    p.appendRecordsAsLeader(request.batch, -1, SEND_TIMEOUT_MS, p.leaderEpoch).then(
      (r) => this.log(`late copy of ${request.value} answered by broker ${broker.id} with offset ${r.baseOffset}`),
      (e: unknown) =>
        this.log(`late copy of ${request.value} refused by broker ${broker.id}: ${isTidelogError(e) ? e.code : e}`),
    );
  }

  /**
   * Appends a held produce once its wait is over: not while its broker is paused (the
   * process resumes its awaits when thawed), and never after the process died.
   */
  private releaseHeld(): void {
    const h = this.held;
    if (!h || h.dueTick > this.tick || h.broker.paused) return;
    this.held = null;
    if (h.broker.replicas !== h.replicas) {
      this.refusals.PROCESS_DIED = (this.refusals.PROCESS_DIED ?? 0) + 1;
      this.sending = false;
      return;
    }
    h.append();
  }

  private append(
    leader: SimBroker,
    p: Partition,
    foundEpoch: number,
    batch: Buffer,
    sequence: number,
    value: string,
  ): void {
    const stale = this.options.appendWithoutRecheck && (p.role !== "leader" || p.leaderEpoch !== foundEpoch);
    const appended = stale
      ? this.appendUnchecked(p, batch)
      : p.appendRecordsAsLeader(batch, -1, SEND_TIMEOUT_MS, foundEpoch);
    appended.then(
      (r) => {
        this.sequence = sequence + 1;
        const before = this.acked.get(r.baseOffset);
        if (before !== undefined && before !== value)
          this.anomalies.push(`offset ${r.baseOffset} acknowledged twice: ${before}, then ${value}`);
        this.acked.set(r.baseOffset, value);
        this.log(
          `${value} acknowledged at ${r.baseOffset} by broker ${leader.id} (epoch ${p.leaderEpoch}, isr [${p.isr}])`,
        );
        this.sending = false;
      },
      (e: unknown) => {
        const code = isTidelogError(e) ? e.code : "UNKNOWN";
        this.refusals[code] = (this.refusals[code] ?? 0) + 1;
        this.sending = false;
      },
    );
  }

  /** appendWithoutRecheck: the append as it was before run 11's fix, into whatever role the replica has now. */
  private async appendUnchecked(p: Partition, batch: Buffer): Promise<{ baseOffset: number; lastOffset: number }> {
    const info = p.log.appendAsLeader(batch, p.leaderEpoch);
    const deadline = this.clock.nowMs() + SEND_TIMEOUT_MS;
    while (p.log.highWatermark <= info.lastOffset) {
      if (this.clock.nowMs() >= deadline) throw new Error("timed out");
      await new Promise<void>((resolve) => this.clock.after(TICK_MS, resolve));
    }
    return { baseOffset: info.firstOffset, lastOffset: info.lastOffset };
  }

  // ------------------------------------------------------------------ faults

  private isCut(a: number, b: number): boolean {
    return this.cuts.has(`${Math.min(a, b)}-${Math.max(a, b)}`);
  }

  private maybeFault(): void {
    if (this.faults.length >= 3 || !this.random.chance(0.1)) return;
    const kinds: SimFaultKind[] = ["kill", "torn-tail", "pause", "cut-pair", "cut-etcd"];
    if (this.disk) kinds.push("power-loss");
    const kind = this.random.pick(kinds);
    const busy = new Set(this.faults.flatMap((f) => [f.kind]));
    const free = this.brokers.filter((b) => b.reachable && !b.cutFromEtcd);
    if (free.length === 0) return;
    const target = this.random.pick(free);
    const endsAt = this.clock.nowMs() + this.random.int(2, 30) * TICK_MS;
    const add = (end: () => void) => {
      this.faultCounts[kind]++;
      this.log(`fault ${kind} on broker ${target.id} until ${endsAt}`);
      this.faults.push({ kind, endsAt, end });
    };
    switch (kind) {
      case "kill":
        target.crash();
        add(() => this.restart(target));
        return;
      case "torn-tail": {
        // One torn tail at a time (see the header).
        if (busy.has("torn-tail") || this.torn !== null) return;
        target.crash();
        this.torn = { id: target.id, incarnation: target.incarnation };
        const cut = tearTail(join(target.dir, `${TOPIC}-0`), this.random.int(1, 60));
        add(() => this.restart(target));
        this.log(`broker ${target.id} lost ${cut} bytes of its tail`);
        return;
      }
      case "power-loss": {
        // A power cut loses what was not fsynced: one at a time, as a torn tail (see the header).
        if (busy.has("torn-tail") || busy.has("power-loss") || this.torn !== null || !this.disk) return;
        target.crash();
        this.torn = { id: target.id, incarnation: target.incarnation };
        const damage = this.disk.losePower(join(target.dir, `${TOPIC}-0`), this.random, this.options.fsyncLies);
        add(() => this.restart(target));
        this.log(
          `broker ${target.id} lost power: ${damage.length === 0 ? "every file was on disk" : damage.join("; ")}`,
        );
        return;
      }
      case "pause":
        target.paused = true;
        add(() => {
          target.paused = false;
        });
        return;
      case "cut-pair": {
        const other = this.random.pick(this.brokers.filter((b) => b.id !== target.id));
        const key = `${Math.min(target.id, other.id)}-${Math.max(target.id, other.id)}`;
        this.cuts.add(key);
        add(() => this.cuts.delete(key));
        return;
      }
      case "cut-etcd":
        target.cutFromEtcd = true;
        add(() => {
          target.cutFromEtcd = false;
        });
        return;
    }
  }

  private restart(b: SimBroker): void {
    b.start(this);
    this.log(`broker ${b.id} restarted`);
  }

  private healAll(): void {
    for (const f of this.faults) f.end();
    this.faults = [];
    for (const b of this.brokers) if (b.down) this.restart(b);
  }

  // ------------------------------------------------------------------ the end

  private settled(): boolean {
    const s = this.state?.value;
    if (!s || s.leader < 0 || s.isr.length !== REPLICAS.length || this.sending) return false;
    const leader = this.brokers[s.leader - 1]?.replicas?.get(TP);
    if (leader?.role !== "leader") return false;
    return this.brokers.every((b) => {
      const log = b.replicas?.get(TP)?.log;
      return (
        log !== undefined && log.logEndOffset === leader.log.logEndOffset && log.highWatermark === log.logEndOffset
      );
    });
  }

  private async check(): Promise<void> {
    if (!this.settled()) {
      this.anomalies.push(
        `the partition did not settle in ${SETTLE_TICKS} ticks: ${JSON.stringify(this.state?.value)}; ${this.describe()}`,
      );
      return;
    }
    const leaderId = this.state?.value.leader ?? -1;
    const replicas: ReplicaRecords[] = [];
    for (const b of this.brokers) {
      const log = b.replicas?.get(TP)?.log;
      if (!log || !b.replicas) continue;
      // The leader is read as a consumer reads it (the broker's Fetch path); followers from their logs.
      replicas.push({ brokerId: b.id, records: b.id === leaderId ? await consumeAll(b.replicas) : readAll(log) });
    }
    this.anomalies.push(...replicaAnomalies(leaderId, replicas, this.acked));
    // A failing seed's report ends with what each replica holds.
    if (this.anomalies.length > 0)
      for (const b of this.brokers) {
        const log = b.replicas?.get(TP)?.log;
        if (!log) continue;
        const records = readAll(log).map((r) => `${r.offset}:${r.value}`);
        this.log(
          `broker ${b.id} holds from ${log.logStartOffset} to ${log.logEndOffset}: ${records.slice(0, 60).join(" ")}`,
        );
      }
  }

  /** Each broker's replica as it sees itself, for a report. */
  private describe(): string {
    return this.brokers
      .map((b) => {
        const p = b.replicas?.get(TP);
        if (!p) return `broker ${b.id}: ${b.down ? "down" : "no replica"}`;
        const log = p.log;
        return `broker ${b.id}: ${p.role} of ${p.leader} in epoch ${p.leaderEpoch}, LEO ${log.logEndOffset}, HW ${log.highWatermark}, last batch epoch ${log.epochs.latestEpoch}${b.inflight ? `, fetch in flight to ${b.inflight.leaderId} until tick ${b.inflight.deliverAt}` : ""}`;
      })
      .join("; ");
  }

  private log(line: string): void {
    this.trace.push(`${this.clock.nowMs() - START_MS} ms: ${line}`);
  }
}

const START_MS = new ManualClock().nowMs();

/** Cuts up to `bytes` off the active segment of a partition directory; returns how many. */
function tearTail(dir: string, bytes: number): number {
  let active: string | undefined;
  try {
    active = readdirSync(dir)
      .filter((f) => /^\d{20}\.log$/.test(f))
      .sort()
      .at(-1);
  } catch {
    return 0;
  }
  if (!active) return 0;
  const path = join(dir, active);
  const size = statSync(path).size;
  const cut = Math.min(size, bytes);
  truncateSync(path, size - cut);
  return cut;
}

/** Every record a consumer reads from the leader, read_uncommitted, from offset 0 to the high watermark. */
export async function consumeAll(
  replicas: ReplicaManager,
  tp: TopicPartition = TP,
): Promise<{ offset: number; value: string }[]> {
  const out: { offset: number; value: string }[] = [];
  for (let offset = 0; ; ) {
    const [answer] = await fetchForConsumer(
      replicas,
      {
        maxWaitMs: 0,
        minBytes: 1,
        maxBytes: 1 << 20,
        isolation: "read_uncommitted",
        partitions: [{ ...tp, fetchOffset: offset, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1 }],
      },
      silentLogger,
    );
    if (answer?.error.code !== 0) throw new Error(`consumer fetch failed: ${JSON.stringify(answer?.error)}`);
    const records = valuesIn(answer.records).filter((r) => r.offset >= offset);
    if (records.length === 0) return out;
    out.push(...records);
    offset = (records.at(-1)?.offset ?? offset) + 1;
  }
}

/** Lets promise chains and fs callbacks started this tick run. */
async function drain(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}
