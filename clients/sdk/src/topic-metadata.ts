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

export class TopicMetadataCache {
  private readonly topics = new Map<string, TopicLeaders>();
  private readonly tracked = new Map<string, Tracked>();
  private readonly epochs = new Map<string, number>();
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
   * that does not exist is waited for (it may be being created) unless `waitForTopic` is
   * false; a non-retriable topic error is thrown at once.
   */
  async ensure(topic: string, deadlineMs: number, waitForTopic = true): Promise<TopicLeaders> {
    this.track(topic);
    const startMs = this.options.nowMs();
    let last: TidelogError | null = null;
    for (let attempt = 1; ; attempt++) {
      const cached = this.topics.get(topic);
      if (cached && cached.error === null && cached.partitions.length > 0) return cached;
      if (cached?.error && (!cached.error.retriable || !waitForTopic)) throw cached.error;
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
   * The topic's partitions and leaders as the cluster sees them now (a refresh first,
   * whatever the cache holds); UNKNOWN_TOPIC_OR_PARTITION at once when it does not exist.
   */
  async describe(topic: string, deadlineMs: number): Promise<TopicLeaders> {
    this.track(topic);
    try {
      await this.refresh(deadlineMs);
    } catch (e) {
      // ensure() below retries what can be retried and reports the rest.
      if (!(e instanceof TidelogError)) throw e;
    }
    return this.ensure(topic, deadlineMs, false);
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
    this.lastAttemptMs = this.options.nowMs();
    try {
      const response = await this.options.fetch(this.nextAddress(), { topics: [...topics] }, deadlineMs);
      this.store(response, topics);
      this.lastError = null;
    } catch (e) {
      if (e instanceof TidelogError) this.lastError = e;
      throw e;
    }
    for (const listener of this.listeners) listener();
  }

  private store(response: wire.MetadataResponse__Output, asked: readonly string[]): void {
    const brokers = new Map<number, string>();
    for (const b of response.brokers) brokers.set(b.id, addressOf(b.host, b.port));
    if (brokers.size > 0) this.known = [...brokers.values()];
    this.fetchedAtMs = this.options.nowMs();
    const askedSet = new Set(asked);
    for (const t of response.topics) {
      if (!askedSet.has(t.name)) continue;
      this.topics.set(t.name, this.toTopic(t, brokers));
    }
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
