/**
 * The follower's side of replication: one fetcher per leader broker, each a single
 * Replication.ReplicaFetch stream carrying every partition this broker follows there.
 *
 * Loop: send one request (for each partition: our log end offset, the leader epoch we
 * follow, the epoch of our last batch), wait for its answer, apply it
 * (follower-apply.ts), repeat.
 *
 * A broken stream is reopened after a bounded, growing backoff; a partition answering
 * NOT_LEADER_OR_FOLLOWER or an epoch error waits for the metadata to move on. The set
 * of partitions and leaders is re-planned after every metadata reconciliation.
 */
import * as grpc from "@grpc/grpc-js";
import { CHANNEL_OPTIONS, errorFromInfo, loadTidelogProto, type wire } from "@tidelog/client/protocol";
import { sleep, type Timer } from "../common/clock.js";
import { invariant } from "../common/invariant.js";
import type { Logger } from "../common/logger.js";
import { tpKey } from "../common/topic-partition.js";
import { FollowerFetchSession } from "./fetch-session.js";
import { applyFollowerData, type FollowerApplyOutcome, type FollowerAsked } from "./follower-apply.js";
import type { Partition } from "./partition.js";
import { useReplicaFetchCodec } from "./replica-fetch-codec.js";
import type { ReplicaManager } from "./replica-manager.js";

export interface ReplicaFetcherOptions {
  readonly brokerId: number;
  readonly brokerEpoch: () => number;
  readonly replicas: ReplicaManager;
  /** "host:port" of a broker, from the metadata; null when it is not registered. */
  readonly addressOf: (brokerId: number) => string | null;
  readonly fetchMaxBytes: number;
  readonly fetchWaitMaxMs: number;
  /** Credentials for the connection to a leader (TLS when the cluster uses it). */
  readonly credentials: () => grpc.ChannelCredentials;
  readonly logger: Logger;
}

/** A broken fetch stream is reopened after this long, doubling per failure up to BACKOFF_MAX_MS. */
const BACKOFF_MIN_MS = 50;
/**
 * How long a partition the leader refused (it does not know it yet, or epochs disagree)
 * sits out before it is asked for again, unless new metadata re-plans it sooner. A new
 * topic is often fetched before its leader has applied it: waiting for the next metadata
 * change instead stalled acks=all for seconds.
 */
const PARK_MS = 200;
/** Partitions named in the one log line of a refused fetch; the rest are counted. */
const REFUSED_EXAMPLES_MAX = 5;
/** The longest wait before a broken fetch stream is reopened. */
const BACKOFF_MAX_MS = 2000;
/** An answer later than this past the wait means the stream is stuck: reopen it. */
const ANSWER_GRACE_MS = 10_000;

type ReplicationClient = grpc.Client & {
  ReplicaFetch(): grpc.ClientDuplexStream<wire.ReplicaFetchRequest, wire.ReplicaFetchResponse__Output>;
};

/** Owns one fetcher per leader broker and re-plans them when the metadata changes. */
export class ReplicaFetcherManager {
  private readonly fetchers = new Map<number, LeaderFetcher>();
  private readonly proto = loadTidelogProto(grpc, useReplicaFetchCodec);
  /** What we follow, by leader, as of `plannedAt` (the replica manager's leadership generation). */
  private byLeader = new Map<number, Partition[]>();
  private plannedAt = -1;

  constructor(private readonly options: ReplicaFetcherOptions) {}

  /**
   * Starts, retargets or stops fetchers to match who leads what we follow. Runs after
   * every reconciliation, but walks the partitions only when a leadership changed: most
   * metadata changes are ISR changes, and a broker rejoining 20,000 ISRs re-planned
   * 20,000 partitions per watch event (the event loop stalled past its etcd session).
   * Leaders' addresses are checked every time; they come from broker registrations.
   */
  replan(): void {
    const generation = this.options.replicas.leadershipGeneration;
    const replanned = generation !== this.plannedAt;
    if (replanned) {
      this.plannedAt = generation;
      this.byLeader = new Map();
      for (const p of this.options.replicas.all()) {
        if (p.role !== "follower" || p.leader < 0 || p.leader === this.options.brokerId) continue;
        const list = this.byLeader.get(p.leader) ?? [];
        list.push(p);
        this.byLeader.set(p.leader, list);
      }
    }
    const byLeader = this.byLeader;
    for (const [leaderId, fetcher] of this.fetchers) {
      if (!byLeader.has(leaderId)) {
        fetcher.stop();
        this.fetchers.delete(leaderId);
      }
    }
    for (const [leaderId, partitions] of byLeader) {
      const address = this.options.addressOf(leaderId);
      let fetcher = this.fetchers.get(leaderId);
      if (fetcher && fetcher.address !== address) {
        // A stopped fetcher never runs again: it leaves the map with its stream, so a
        // leader whose registration vanishes and comes back at the same address (etcd
        // paused past the session) gets a new one, not this one.
        fetcher.stop();
        this.fetchers.delete(leaderId);
        fetcher = undefined;
      }
      if (!fetcher && address) {
        fetcher = new LeaderFetcher(leaderId, address, this.options, this.proto);
        this.fetchers.set(leaderId, fetcher);
        fetcher.start();
        fetcher.setPartitions(partitions);
      } else if (replanned) fetcher?.setPartitions(partitions);
    }
  }

  stop(): void {
    for (const f of this.fetchers.values()) f.stop();
    this.fetchers.clear();
  }
}

class LeaderFetcher {
  private partitions: Partition[] = [];
  private byKey = new Map<string, Partition>();
  /** setPartitions ran since the stream last looked at every partition. */
  private replanned = true;
  private running = false;
  private client: ReplicationClient | null = null;
  private stream: grpc.ClientDuplexStream<wire.ReplicaFetchRequest, wire.ReplicaFetchResponse__Output> | null = null;
  private backoffMs = BACKOFF_MIN_MS;
  /** Partitions the leader refused, until when they sit out (see PARK_MS). */
  private readonly parked = new Map<string, number>();

  constructor(
    readonly leaderId: number,
    readonly address: string,
    private readonly options: ReplicaFetcherOptions,
    private readonly proto: ReturnType<typeof loadTidelogProto>,
  ) {}

  private isParked(key: string): boolean {
    const until = this.parked.get(key);
    if (until === undefined) return false;
    if (this.options.replicas.clock.nowMs() < until) return true;
    this.parked.delete(key);
    return false;
  }

  setPartitions(partitions: Partition[]): void {
    invariant(this.running, () => `fetcher for leader ${this.leaderId} reused after it was stopped`);
    this.partitions = partitions;
    this.byKey = new Map(partitions.map((p) => [p.key, p]));
    this.replanned = true;
    this.parked.clear();
  }

  start(): void {
    this.running = true;
    const Ctor = this.proto.tidelog.v1.Replication as unknown as new (
      address: string,
      credentials: grpc.ChannelCredentials,
      options: grpc.ChannelOptions,
    ) => ReplicationClient;
    this.client = new Ctor(this.address, this.options.credentials(), CHANNEL_OPTIONS);
    this.loop().catch((e: unknown) =>
      this.options.logger.error({ err: e, leader: this.leaderId }, "replica fetcher stopped"),
    );
  }

  stop(): void {
    this.running = false;
    this.stream?.cancel();
    this.client?.close();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        await this.runStream();
        this.backoffMs = BACKOFF_MIN_MS;
      } catch (e) {
        if (!this.running) return;
        this.options.logger.warn(
          { leader: this.leaderId, err: (e as Error).message, backoffMs: this.backoffMs },
          "replica fetch stream failed; reopening",
        );
        await sleep(this.options.replicas.clock, this.backoffMs);
        this.backoffMs = Math.min(this.backoffMs * 2, BACKOFF_MAX_MS);
      }
    }
  }

  /** One stream: request, answer, apply, until stopped or broken. */
  private async runStream(): Promise<void> {
    const client = this.client as ReplicationClient;
    const stream = client.ReplicaFetch();
    this.stream = stream;
    const session = new FollowerFetchSession();
    const answers: wire.ReplicaFetchResponse__Output[] = [];
    let wake: (() => void) | null = null;
    let failure: Error | null = null;
    stream.on("data", (res: wire.ReplicaFetchResponse__Output) => {
      answers.push(res);
      wake?.();
    });
    stream.on("error", (e: Error) => {
      failure = e;
      wake?.();
    });
    stream.on("end", () => {
      failure ??= new Error("the leader closed the stream");
      wake?.();
    });
    // An idle round (the last answer applied nothing, the plan and the parked set are as
    // they were) asks again without looking at every partition: nothing here changed
    // them. What can change without an answer (the log start, by retention) is looked at
    // within followerScanIntervalMs, as the leader does.
    let active: Partition[] = [];
    let scannedAtMs = Number.NEGATIVE_INFINITY;
    let idle = false;
    // One watchdog per stream rather than a timer per request (a timer set and cancelled
    // for every answer was 0.8% of a broker's CPU under transactions): it fails the
    // stream when the request in flight has waited past the leader's longest wait.
    const clock = this.options.replicas.clock;
    const answerLimitMs = this.options.fetchWaitMaxMs + ANSWER_GRACE_MS;
    let askedAtMs: number | null = null;
    const onWatchdog = (): void => {
      const waited = askedAtMs === null ? 0 : clock.monotonicMs() - askedAtMs;
      if (waited >= answerLimitMs) {
        failure ??= new Error("no answer from the leader");
        wake?.();
      } else {
        watchdog = clock.after(answerLimitMs - waited, onWatchdog);
      }
    };
    let watchdog: Timer = clock.after(answerLimitMs, onWatchdog);
    try {
      while (this.running) {
        const scan =
          !idle ||
          this.replanned ||
          this.parked.size > 0 ||
          clock.nowMs() - scannedAtMs >= this.options.replicas.followerScanIntervalMs;
        if (scan) {
          this.replanned = false;
          scannedAtMs = clock.nowMs();
          active = this.partitions.filter(
            (p) =>
              p.role === "follower" && p.leader === this.leaderId && !(this.parked.size > 0 && this.isParked(p.key)),
          );
        }
        if (active.length === 0) {
          await sleep(clock, this.options.fetchWaitMaxMs);
          continue;
        }
        stream.write(this.request(active, scan ? session : null));
        askedAtMs = clock.monotonicMs();
        const answer = await new Promise<wire.ReplicaFetchResponse__Output>((resolve, reject) => {
          const check = () => {
            const next = answers.shift();
            if (next) {
              wake = null;
              resolve(next);
            } else if (failure) {
              wake = null;
              reject(failure);
            }
          };
          wake = check;
          check();
        });
        askedAtMs = null;
        // Refused as a whole (our broker epoch is not the live one the leader knows):
        // reopen after the backoff, by then with our current epoch or its newer view.
        const refused = errorFromInfo(answer.error);
        if (refused) throw refused;
        session.answered(answer);
        this.apply(answer, session);
        // Incremental sessions only: a full request must list everything every time.
        idle = answer.partitions.length === 0 && answer.keepsSessions;
        this.backoffMs = BACKOFF_MIN_MS;
      }
    } finally {
      watchdog.cancel();
      stream.cancel();
      this.stream = null;
    }
  }

  /** The next request; with no session, one that reports no change to the leader's session (an idle round). */
  private request(partitions: Partition[], session: FollowerFetchSession | null): wire.ReplicaFetchRequest {
    const { incremental, changed } = session
      ? session.next(partitions, this.options.fetchMaxBytes)
      : { incremental: true, changed: [] };
    return {
      replicaId: this.options.brokerId,
      brokerEpoch: this.options.brokerEpoch(),
      maxWaitMs: this.options.fetchWaitMaxMs,
      minBytes: 1,
      maxBytes: this.options.fetchMaxBytes * Math.max(1, Math.min(partitions.length, 16)),
      partitions: changed,
      incremental,
    };
  }

  /**
   * Applies an answer to the request `session` last described. Only the partitions the
   * answer lists are looked at: an idle round costs nothing per partition here.
   */
  private apply(answer: wire.ReplicaFetchResponse__Output, session: FollowerFetchSession): void {
    const refused = new Map<string, string[]>();
    for (const data of answer.partitions) {
      const key = tpKey(data);
      const p = this.byKey.get(key);
      // What the partition asked from: an answer applies only to that state (follower-apply.ts).
      const from = session.asked(key);
      if (!p || !from) continue;
      try {
        if (this.applyOne(p, data, from) === "refused") {
          const code = errorFromInfo(data.error)?.code ?? "UNKNOWN";
          const keys = refused.get(code) ?? [];
          keys.push(p.key);
          refused.set(code, keys);
        }
      } catch (e) {
        this.options.logger.warn(
          { topic: data.topic, partition: data.partition, err: (e as Error).message },
          "could not apply replicated data",
        );
      }
    }
    for (const [code, keys] of refused) {
      this.options.logger.info(
        { leader: this.leaderId, code, partitions: keys.length, examples: keys.slice(0, REFUSED_EXAMPLES_MAX) },
        "leader refused a replica fetch; those partitions wait for the metadata to move on",
      );
    }
  }

  private applyOne(
    p: Partition,
    data: wire.ReplicaFetchPartitionData__Output,
    asked: FollowerAsked,
  ): FollowerApplyOutcome {
    const outcome = applyFollowerData(p, data, asked, this.options.logger);
    if (outcome === "refused" || outcome === "storage-failed")
      this.parked.set(p.key, this.options.replicas.clock.nowMs() + PARK_MS);
    return outcome;
  }
}
