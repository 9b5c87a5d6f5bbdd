/**
 * What the data plane knows about topics: each partition's leader (broker id, address,
 * leader epoch), from the Broker.Metadata RPC, shared by every producer and consumer of
 * a Client.
 *
 * Kafka's rules: a topic is tracked once someone asks for it and dropped after
 * TOPIC_IDLE_MS without use; each refresh asks for every tracked topic at once, at any
 * broker (round-robin over the brokers last reported, then the bootstrap addresses);
 * refreshes never run concurrently and never closer together than
 * METADATA_REFRESH_BACKOFF_MS, so a leaderless partition cannot make a busy loop. A
 * partition error (NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE, ...) is reported with
 * `requestUpdate`, which refreshes in the background and tells the listeners.
 *
 * Answers are complete snapshots per topic: the last answer wins. A leader epoch never
 * goes back: an answer with a lower epoch than one already seen for a partition comes
 * from a broker with a lagging cache and its leader is not used.
 *
 * Missing topics: brokers never create a topic because a client asked for it (Kafka's
 * auto.create.topics.enable=false). A topic (or a partition number) the answers say does
 * not exist is taken as absent only once answers spanning MISSING_TOPIC_CONFIRM_MS all
 * said so: a topic just created may not have reached every broker's metadata yet (the
 * controller answers CreateTopics once its own image has it, not the others'). Callers
 * that do not wait for topics (`absent`, `ensure(..., false)`) then get
 * UNKNOWN_TOPIC_OR_PARTITION within about that long, not after their whole timeout.
 *
 * Not thread-shared state in the JavaScript sense: all methods run on the event loop.
 */
import { setTimeout as sleepMs } from "node:timers/promises";
import { addressOf } from "./admin-wire.js";
import { RetriesExhaustedError } from "./client-errors.js";
import { TidelogError } from "./errors.js";
import { MAX_TRACKED_TOPICS, METADATA_REFRESH_BACKOFF_MS, TOPIC_IDLE_MS } from "./limits.js";
import type { Logger } from "./logger.js";
import { errorFromInfo } from "./protocol/grpc.js";
import type * as wire from "./protocol/messages.js";
import { backoffMs, type RetryOptions } from "./retry.js";

/** A partition and its leader, as `partitionsFor` tells the application. */
export interface PartitionInfo {
  readonly partition: number;
  /** Broker id of the leader, or null when it has none. */
  readonly leader: number | null;
  readonly leaderEpoch: number;
}

export interface PartitionLeader {
  readonly partition: number;
  /** -1 when the partition has no leader. */
  readonly leaderId: number;
  readonly leaderEpoch: number;
  /** The leader's address, or null when it has none or the leader is not among the reported brokers. */
  readonly address: string | null;
  readonly error: TidelogError | null;
}

export interface TopicLeaders {
  readonly name: string;
  /** Changes when a topic is deleted and created again under the same name; leader epochs restart with it. */
  readonly topicId: string;
  /** Indexed by partition number. */
  readonly partitions: readonly PartitionLeader[];
  /** Partitions with a leader, ascending: where keyless records may go. */
  readonly available: readonly number[];
  /** The topic's own error (UNKNOWN_TOPIC_OR_PARTITION when it does not exist). */
  readonly error: TidelogError | null;
}

export type FetchMetadataFn = (
  address: string,
  request: wire.MetadataRequest,
  deadlineMs: number,
) => Promise<wire.MetadataResponse__Output>;

export interface TopicMetadataOptions {
  readonly bootstrap: readonly string[];
  readonly fetch: FetchMetadataFn;
  readonly nowMs: () => number;
  readonly random: () => number;
  readonly maxAgeMs: number;
  /** Bound on one Metadata call. */
  readonly attemptTimeoutMs: number;
  readonly retry: RetryOptions;
  readonly logger: Logger;
}

interface Tracked {
  lastUsedMs: number;
}

/**
 * How long answers must keep saying that a topic (or partition) does not exist before it
 * is reported absent: covers a new topic's metadata reaching the other brokers (their
 * etcd watch, milliseconds when healthy), at the cost of that much delay before a typo
 * in a topic name is reported.
 */
export const MISSING_TOPIC_CONFIRM_MS = 1_000;

/**
 * What the answers said of a topic's size: `partitions` -1 when it did not exist; the
 * same in answers to requests sent from `sinceMs` to `lastMs`.
 */
interface TopicShape {
  partitions: number;
  sinceMs: number;
  lastMs: number;
}

export class TopicMetadataCache {
  private readonly topics = new Map<string, TopicLeaders>();
  private readonly tracked = new Map<string, Tracked>();
  private readonly epochs = new Map<string, number>();
  private readonly shapes = new Map<string, TopicShape>();
  private known: readonly string[] = [];
  private cursor = 0;
  private fetchedAtMs = Number.NEGATIVE_INFINITY;
  private lastAttemptMs = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | null = null;
  private inFlightTopics: ReadonlySet<string> = new Set();
  private updateWanted = false;
  private readonly listeners = new Set<() => void>();
  /** The last refresh's failure, if the last refresh failed: the reason a leader is unknown. */
  lastError: TidelogError | null = null;

  constructor(private readonly options: TopicMetadataOptions) {
    if (options.bootstrap.length === 0) throw new Error("TopicMetadataCache needs at least one bootstrap address");
  }

  /** The cached answer for `topic` (tracking it), or undefined before the first answer that included it. */
  get(topic: string): TopicLeaders | undefined {
    const t = this.tracked.get(topic);
    if (t) t.lastUsedMs = this.options.nowMs();
    return this.topics.get(topic);
  }

  /** The leader of a partition, or null when unknown (then a refresh is requested). */
  leader(topic: string, partition: number): PartitionLeader | null {
    const p = this.topics.get(topic)?.partitions[partition];
    if (p === undefined || p.address === null) {
      this.requestUpdate(topic);
      return null;
    }
    return p;
  }

  /** True when the last answer is older than the maximum age. */
  get stale(): boolean {
    return this.options.nowMs() - this.fetchedAtMs >= this.options.maxAgeMs;
  }

  onUpdate(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Asks for a refresh soon (rate-limited), tracking `topic`; failures are logged and leave the cache as it was. */
  requestUpdate(topic?: string): void {
    if (topic !== undefined) this.track(topic);
    if (this.inFlight) {
      this.updateWanted = true;
      return;
    }
    this.refresh(this.options.nowMs() + this.options.attemptTimeoutMs).catch((e: unknown) => {
      this.options.logger.debug({ error: String(e) }, "metadata refresh failed");
    });
  }

  /**
   * The topic's leaders, refreshing until they are known or `deadlineMs` passes. A topic
   * that does not exist is waited for (it may be being created) when `waitForTopic`;
   * otherwise it fails with UNKNOWN_TOPIC_OR_PARTITION once its absence is confirmed (see
   * the header). A non-retriable topic error is thrown at once.
   */
  async ensure(topic: string, deadlineMs: number, waitForTopic = true): Promise<TopicLeaders> {
    this.track(topic);
    const startMs = this.options.nowMs();
    let last: TidelogError | null = null;
    for (let attempt = 1; ; attempt++) {
      const cached = this.topics.get(topic);
      if (cached && cached.error === null && cached.partitions.length > 0) return cached;
      if (cached?.error && !cached.error.retriable) throw cached.error;
      const absent = waitForTopic ? null : this.absent(topic, undefined, startMs);
      if (absent) throw absent;
      if (attempt > 1) {
        const waitMs = backoffMs(attempt - 1, this.options.retry, this.options.random);
        if (this.options.nowMs() + waitMs >= deadlineMs) {
          // The broker's word on the topic says more than a call cut short by this deadline.
          const cause =
            cached?.error ?? last ?? new TidelogError("UNKNOWN_TOPIC_OR_PARTITION", `no metadata for ${topic}`);
          const elapsedMs = this.options.nowMs() - startMs;
          throw new RetriesExhaustedError(`metadata for topic '${topic}'`, cause, attempt - 1, elapsedMs, "deadline");
        }
        await sleepMs(waitMs);
      }
      try {
        await this.refresh(Math.min(deadlineMs, this.options.nowMs() + this.options.attemptTimeoutMs));
        last = null;
      } catch (e) {
        if (!(e instanceof TidelogError) || !e.retriable) throw e;
        last = e;
      }
    }
  }

  /**
   * UNKNOWN_TOPIC_OR_PARTITION when every answer to requests sent over
   * MISSING_TOPIC_CONFIRM_MS since `askedSinceMs` (when the caller began to look) said
   * the topic does not exist (or, given `partition`, that it has no such partition); null
   * while it exists or may still be being created. Answers from before the caller began
   * do not count: they may predate the topic's creation, or a partition added since.
   */
  absent(topic: string, partition?: number, askedSinceMs = Number.NEGATIVE_INFINITY): TidelogError | null {
    const shape = this.shapes.get(topic);
    if (shape === undefined) return null;
    if (shape.lastMs - Math.max(shape.sinceMs, askedSinceMs) < MISSING_TOPIC_CONFIRM_MS) return null;
    if (shape.partitions < 0) {
      return new TidelogError(
        "UNKNOWN_TOPIC_OR_PARTITION",
        `topic '${topic}' does not exist (topics are not created on first use)`,
      );
    }
    if (partition !== undefined && partition >= shape.partitions) {
      return new TidelogError(
        "UNKNOWN_TOPIC_OR_PARTITION",
        `topic '${topic}' has ${shape.partitions} partition${shape.partitions === 1 ? "" : "s"}; there is no partition ${partition}`,
      );
    }
    return null;
  }

  /**
   * The topic's partitions and leaders as the cluster sees them now (a refresh first,
   * whatever the cache holds); UNKNOWN_TOPIC_OR_PARTITION once its absence is confirmed
   * (about MISSING_TOPIC_CONFIRM_MS), or with `waitForTopic` it is waited for until `deadlineMs`.
   */
  async describe(topic: string, deadlineMs: number, waitForTopic = false): Promise<TopicLeaders> {
    this.track(topic);
    try {
      await this.refresh(deadlineMs);
    } catch (e) {
      // ensure() below retries what can be retried and reports the rest.
      if (!(e instanceof TidelogError)) throw e;
    }
    return this.ensure(topic, deadlineMs, waitForTopic);
  }

  /** `describe`, as the application sees partitions (producer and consumer `partitionsFor`). */
  async partitionsFor(topic: string, deadlineMs: number, waitForTopic: boolean): Promise<PartitionInfo[]> {
    const leaders = await this.describe(topic, deadlineMs, waitForTopic);
    return leaders.partitions.map((p) => ({
      partition: p.partition,
      leader: p.leaderId < 0 ? null : p.leaderId,
      leaderEpoch: p.leaderEpoch,
    }));
  }

  /** One refresh of every tracked topic; joins the refresh in flight when it covers them. */
  refresh(deadlineMs: number): Promise<void> {
    if (this.inFlight) {
      const covered = [...this.tracked.keys()].every((t) => this.inFlightTopics.has(t));
      if (covered) return this.inFlight;
      const again = () => this.refresh(deadlineMs);
      return this.inFlight.then(again, again);
    }
    this.expireIdle();
    const topics = [...this.tracked.keys()];
    // An empty list would ask for every topic in the cluster.
    if (topics.length === 0) return Promise.resolve();
    this.inFlightTopics = new Set(topics);
    const run = this.fetchOnce(topics, deadlineMs).finally(() => {
      this.inFlight = null;
      if (this.updateWanted) {
        this.updateWanted = false;
        this.requestUpdate();
      }
    });
    this.inFlight = run;
    return run;
  }

  private track(topic: string): void {
    const nowMs = this.options.nowMs();
    const t = this.tracked.get(topic);
    if (t) {
      t.lastUsedMs = nowMs;
      return;
    }
    if (this.tracked.size >= MAX_TRACKED_TOPICS) this.expireIdle();
    if (this.tracked.size >= MAX_TRACKED_TOPICS) {
      throw new TidelogError("INVALID_REQUEST", `more than ${MAX_TRACKED_TOPICS} topics in use by one client`);
    }
    this.tracked.set(topic, { lastUsedMs: nowMs });
  }

  private expireIdle(): void {
    const cutoff = this.options.nowMs() - TOPIC_IDLE_MS;
    for (const [topic, t] of this.tracked) {
      if (t.lastUsedMs >= cutoff) continue;
      const cached = this.topics.get(topic);
      for (const p of cached?.partitions ?? []) this.epochs.delete(epochKey(cached!.topicId || topic, p.partition));
      this.tracked.delete(topic);
      this.topics.delete(topic);
      this.shapes.delete(topic);
    }
  }

  /** Some broker to ask something any broker can answer: round-robin over the known brokers and the bootstrap addresses. */
  anyBroker(): string {
    return this.nextAddress();
  }

  private nextAddress(): string {
    const candidates = [...new Set([...this.known, ...this.options.bootstrap])];
    const address = candidates[this.cursor % candidates.length]!;
    this.cursor = (this.cursor + 1) % candidates.length;
    return address;
  }

  private async fetchOnce(topics: readonly string[], deadlineMs: number): Promise<void> {
    const waitMs = this.lastAttemptMs + METADATA_REFRESH_BACKOFF_MS - this.options.nowMs();
    if (waitMs > 0) await sleepMs(waitMs);
    const sentMs = this.options.nowMs();
    this.lastAttemptMs = sentMs;
    try {
      const response = await this.options.fetch(this.nextAddress(), { topics: [...topics] }, deadlineMs);
      this.store(response, topics, sentMs);
      this.lastError = null;
    } catch (e) {
      if (e instanceof TidelogError) this.lastError = e;
      throw e;
    }
    for (const listener of this.listeners) listener();
  }

  /** Takes an answer to a request sent at `sentMs`. */
  private store(response: wire.MetadataResponse__Output, asked: readonly string[], sentMs: number): void {
    const brokers = new Map<number, string>();
    for (const b of response.brokers) brokers.set(b.id, addressOf(b.host, b.port));
    if (brokers.size > 0) this.known = [...brokers.values()];
    this.fetchedAtMs = this.options.nowMs();
    const askedSet = new Set(asked);
    for (const t of response.topics) {
      if (!askedSet.has(t.name)) continue;
      const leaders = this.toTopic(t, brokers);
      this.topics.set(t.name, leaders);
      this.noteShape(leaders, sentMs);
    }
  }

  /**
   * Remembers since when the answers agree on the topic's partition count (-1: it does
   * not exist), timed by when each request was sent: what the cluster held by then.
   */
  private noteShape(leaders: TopicLeaders, sentMs: number): void {
    let partitions = leaders.partitions.length;
    if (leaders.error !== null) {
      if (leaders.error.code !== "UNKNOWN_TOPIC_OR_PARTITION") return;
      partitions = -1;
    }
    const shape = this.shapes.get(leaders.name);
    if (shape !== undefined && shape.partitions === partitions) shape.lastMs = Math.max(shape.lastMs, sentMs);
    else this.shapes.set(leaders.name, { partitions, sinceMs: sentMs, lastMs: sentMs });
  }

  private toTopic(t: wire.TopicMetadata__Output, brokers: ReadonlyMap<number, string>): TopicLeaders {
    const error = errorFromInfo(t.error);
    const sorted = [...t.partitions].sort((a, b) => a.partition - b.partition);
    const partitions: PartitionLeader[] = [];
    const available: number[] = [];
    for (const p of sorted) {
      if (p.partition !== partitions.length) {
        throw new TidelogError("UNKNOWN_SERVER_ERROR", `metadata for ${t.name} skips partition ${partitions.length}`);
      }
      const key = epochKey(t.topicId || t.name, p.partition);
      const seenEpoch = this.epochs.get(key) ?? -1;
      const lagging = p.leaderEpoch < seenEpoch;
      if (!lagging) this.epochs.set(key, p.leaderEpoch);
      const address = p.leader >= 0 && !lagging ? (brokers.get(p.leader) ?? null) : null;
      partitions.push({
        partition: p.partition,
        leaderId: p.leader,
        leaderEpoch: p.leaderEpoch,
        address,
        error: errorFromInfo(p.error),
      });
      if (address !== null) available.push(p.partition);
    }
    return { name: t.name, topicId: t.topicId, partitions, available, error };
  }
}

function epochKey(topicId: string, partition: number): string {
  return `${topicId}\u0000${partition}`;
}
