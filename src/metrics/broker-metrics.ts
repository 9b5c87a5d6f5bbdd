/**
 * One broker's Prometheus metrics: a prom-client Registry owned by the broker (never the
 * process-wide default registry, so two brokers in one test process never share a
 * counter), and every metric registered in it.
 *
 * Three kinds of source:
 * - counters bumped on the hot paths, once per request or per batch, never per record
 *   (traffic per topic, request latencies, ISR changes, leader elections);
 * - gauges read at scrape time from the live objects (per-partition offsets and sizes,
 *   under-replicated and offline partitions, controller status), so an idle broker
 *   does no metrics work at all;
 * - prom-client's process metrics (CPU, memory, event-loop lag, GC, handles).
 *
 * Consumer groups: members and committed offsets of every group this broker coordinates,
 * read at scrape time; lag only where this broker also leads the partition, because only
 * there is the high watermark at hand (a scrape must not make remote calls; `tidelog
 * groups describe` asks every leader), and rebalances since this broker loaded the group.
 * A group deleted or moved to another coordinator disappears from the next scrape.
 *
 * Names follow Prometheus conventions: `tidelog_` prefix, base units (`_bytes`,
 * `_seconds`), `_total` for counters. Label values are bounded by the topics and
 * partitions in the cluster, the API names and the error-code table.
 */
import { type ErrorName, errorNameOf, firstRecordTimestamp } from "@tidelog/client/record";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { MetadataImage } from "../cluster/metadata-image.js";
import { parseTpKey } from "../common/topic-partition.js";
import type { Partition } from "../replication/partition.js";
import { countRecords } from "./batch-records.js";

/** What scrape-time gauges read; set once the broker's parts exist (`attach`). */
export interface MetricsSources {
  /** Partitions hosted on this broker (leaders and followers). */
  readonly partitions: () => Iterable<Partition>;
  readonly image: () => MetadataImage;
  readonly isController: () => boolean;
  readonly controllerEpoch: () => number;
  /** Groups this broker coordinates (loaded); none until the coordinator runs. */
  readonly groups?: () => Iterable<GroupMetricsView>;
  /** A hosted partition, to read the high watermark that lag is measured against. */
  readonly partition?: (topic: string, partition: number) => Partition | undefined;
  /** Wall-clock time, which record timestamps (lag in seconds) are compared with. */
  readonly nowMs?: () => number;
  /** Bytes this broker, as leader, has sent to replicas a reassignment is adding. */
  readonly reassignmentBytesOut?: () => number;
}

/** What the storage gauges read: the log directory's health (LogManager.health fits it). */
export interface StorageHealthView {
  readonly state: { readonly failed: boolean; readonly failedLogs: { readonly length: number } };
  readonly failuresTotal: number;
}

/** What the group gauges read of a group (the coordinator's ConsumerGroup fits it). */
export interface GroupMetricsView {
  readonly groupId: string;
  readonly members: { readonly size: number };
  /** Target assignments computed since this broker loaded the group. */
  readonly rebalances: number;
  /** Committed offsets by "topic:partition". */
  readonly offsets: ReadonlyMap<string, { readonly offset: number }>;
}

/** Bytes read per lagging partition at a scrape to find its oldest unconsumed record. */
const LAG_READ_BYTES = 64 * 1024;

/** Request latency buckets, seconds: 0.5 ms to 30 s (long polls reach the top). */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

interface TopicTraffic {
  readonly bytesIn: Counter.Internal;
  readonly recordsIn: Counter.Internal;
  readonly bytesOut: Counter.Internal;
  readonly recordsOut: Counter.Internal;
}

export class BrokerMetrics {
  readonly registry = new Registry();
  private sources: MetricsSources | null = null;
  private storage: StorageHealthView | null = null;
  /** Label children cached per topic: the hot path skips prom-client's label hashing. */
  private readonly traffic = new Map<string, TopicTraffic>();
  /** The same for request histograms, per API and error (bounded by both tables). */
  private readonly requestChildren = new Map<string, Histogram.Internal<"api" | "error">>();

  private readonly bytesIn = this.counter("tidelog_topic_bytes_in_total", "Bytes produced to a topic (as stored).");
  private readonly recordsIn = this.counter("tidelog_topic_records_in_total", "Records produced to a topic.");
  private readonly bytesOut = this.counter("tidelog_topic_bytes_out_total", "Bytes fetched by consumers.");
  private readonly recordsOut = this.counter(
    "tidelog_topic_records_out_total",
    "Records fetched by consumers (whole batches, as sent).",
  );
  private readonly requestSeconds = new Histogram({
    name: "tidelog_request_duration_seconds",
    help: "Requests by API and error code (the first non-zero error in the answer, else NONE); _count is the request count.",
    labelNames: ["api", "error"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly isrShrinks = new Counter({
    name: "tidelog_isr_shrinks_total",
    help: "ISR shrinks written by this broker as leader.",
    registers: [this.registry],
  });
  private readonly isrExpands = new Counter({
    name: "tidelog_isr_expands_total",
    help: "ISR expansions written by this broker as leader.",
    registers: [this.registry],
  });
  private readonly leaderElections = new Counter({
    name: "tidelog_leader_elections_total",
    help: "Partition leader elections written by this broker as controller.",
    registers: [this.registry],
  });
  private readonly transactionsEnded = new Counter({
    name: "tidelog_transactions_ended_total",
    help: "Transactions this broker's coordinator ended, by outcome (commit, abort, timeout, fenced).",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  private readonly transactionSeconds = new Histogram({
    name: "tidelog_transaction_duration_seconds",
    help: "From a transaction's first partition joining to its commit or abort decision.",
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60, 300, 900],
    registers: [this.registry],
  });
  private readonly requestsRefused = new Counter({
    name: "tidelog_requests_refused_total",
    help: "Requests and streams refused with REQUEST_LIMIT_EXCEEDED, by API and by the bound they met (connection_requests, broker_requests, connection_streams, broker_streams).",
    labelNames: ["api", "reason"] as const,
    registers: [this.registry],
  });
  private readonly authorizationRefusals = new Counter({
    name: "tidelog_authorization_failures_total",
    help: "Requests refused by the authorizer or for a certificate no principal mapping rule matches, by service, method and error code.",
    labelNames: ["service", "method", "code"] as const,
    registers: [this.registry],
  });
  private readonly saslAuthentications = new Counter({
    name: "tidelog_sasl_authentications_total",
    help: "SCRAM authentications that ended, by mechanism and result (success or failure).",
    labelNames: ["mechanism", "result"] as const,
    registers: [this.registry],
  });
  private readonly throttledAnswers = new Counter({
    name: "tidelog_quota_throttled_total",
    help: "Answers held back because the client was over a client quota, by the quota that held them longest.",
    labelNames: ["quota"] as const,
    registers: [this.registry],
  });
  private readonly throttleTime = new Histogram({
    name: "tidelog_quota_throttle_time_ms",
    help: "How long throttled answers were held back (ms), by quota.",
    labelNames: ["quota"] as const,
    buckets: [1, 10, 50, 100, 500, 1000, 5000, 11000],
    registers: [this.registry],
  });

  constructor(
    options: {
      readonly processMetrics?: boolean;
      /** "topic": the per-partition gauges are summed per topic (metrics.partition.level). */
      readonly partitionLevel?: "partition" | "topic";
    } = {},
  ) {
    // Process metrics describe the process, not a broker: tests that run several
    // brokers in one process turn them off.
    if (options.processMetrics ?? true) this.processMetrics();
    this.partitionGauges(options.partitionLevel ?? "partition");
    this.clusterGauges();
    this.groupGauges();
    this.storageGauges();
  }

  /** Connects the scrape-time gauges to the broker's parts. */
  attach(sources: MetricsSources): void {
    this.sources = sources;
  }

  /** Connects the storage gauges to the log directory's health monitor. */
  attachStorage(storage: StorageHealthView): void {
    this.storage = storage;
  }

  /** The exposition text and its content type, for GET /metrics. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  // ------------------------------------------------------------------ hot-path hooks

  /** A batch buffer appended to a topic's partition. */
  produced(topic: string, batches: Buffer): void {
    const t = this.topic(topic);
    t.bytesIn.inc(batches.length);
    t.recordsIn.inc(countRecords(batches));
  }

  /** A batch buffer sent to a consumer. */
  fetched(topic: string, batches: Buffer): void {
    const t = this.topic(topic);
    t.bytesOut.inc(batches.length);
    t.recordsOut.inc(countRecords(batches));
  }

  /** One request answered; `error` is an error name or a wire error code. */
  request(api: string, startNs: bigint, error: ErrorName | number): void {
    const name = typeof error === "number" ? errorNameOf(error) : error;
    const seconds = Number(process.hrtime.bigint() - startNs) / 1e9;
    const key = `${api} ${name}`;
    let child = this.requestChildren.get(key);
    if (!child) {
      child = this.requestSeconds.labels({ api, error: name });
      this.requestChildren.set(key, child);
    }
    child.observe(seconds);
  }

  isrChanged(change: { shrink: boolean; expand: boolean }): void {
    if (change.shrink) this.isrShrinks.inc();
    if (change.expand) this.isrExpands.inc();
  }

  leadersElected(count: number): void {
    this.leaderElections.inc(count);
  }

  /** A transaction this broker coordinates ended: committed, aborted by its producer, or aborted past its timeout (or by an operator). */
  transactionEnded(outcome: "commit" | "abort" | "timeout" | "fenced", durationMs: number): void {
    this.transactionsEnded.inc({ outcome });
    if (durationMs >= 0) this.transactionSeconds.observe(durationMs / 1000);
  }

  /** Scrape-time gauge of the transactions this broker coordinates, by state. */
  watchTransactions(read: () => Iterable<{ readonly state: string }>): void {
    new Gauge({
      name: "tidelog_transactions",
      help: "Transactional ids this broker coordinates, by state (Ongoing: transactions open now).",
      labelNames: ["state"] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        const counts = new Map<string, number>();
        for (const t of read()) counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
        for (const [state, n] of counts) this.set({ state }, n);
      },
    });
  }

  /** A request or stream refused by the request limits (server/request-limits.ts); labels bounded by API and reason. */
  requestRefused(api: string, reason: string): void {
    this.requestsRefused.inc({ api, reason });
  }

  /** A request refused by authorization (server/authorization.ts); labels bounded by the methods and codes. */
  authorizationRefused(service: string, method: string, code: string): void {
    this.authorizationRefusals.inc({ service, method, code });
  }

  /** A SCRAM exchange that ended; the mechanism label is bounded (anything unknown counts as "other"). */
  saslAuthenticated(mechanism: string, ok: boolean): void {
    const known = mechanism === "SCRAM-SHA-256" || mechanism === "SCRAM-SHA-512" ? mechanism : "other";
    this.saslAuthentications.inc({ mechanism: known, result: ok ? "success" : "failure" });
  }

  /** An answer held back by a client quota (server/quota-enforcement.ts); labels bounded by the three quotas. */
  quotaThrottled(quota: string, throttleMs: number): void {
    this.throttledAnswers.inc({ quota });
    this.throttleTime.observe({ quota }, throttleMs);
  }

  /** Scrape-time gauges of what the request limits hold now. Once per broker. */
  watchRequestLimits(read: () => { readonly inflightRequests: number; readonly openStreams: number }): void {
    new Gauge({
      name: "tidelog_requests_in_flight",
      help: "Unary requests in progress on this broker (counted against max.inflight.requests).",
      registers: [this.registry],
      collect() {
        this.set(read().inflightRequests);
      },
    });
    new Gauge({
      name: "tidelog_streams_open",
      help: "ProduceStreams open on this broker (counted against max.streams).",
      registers: [this.registry],
      collect() {
        this.set(read().openStreams);
      },
    });
  }

  // ------------------------------------------------------------------ internals

  /**
   * prom-client's process metrics, less three sums it exposes as gauges named `..._total`,
   * a suffix Prometheus reserves for counters (`promtool check metrics` rejects them).
   * Nothing is lost: the per-type gauges they sum (`nodejs_active_handles{type}`, ...) stay.
   */
  private processMetrics(): void {
    collectDefaultMetrics({ register: this.registry });
    for (const name of ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"])
      this.registry.removeSingleMetric(name);
  }

  private counter(name: string, help: string): Counter<"topic"> {
    return new Counter({ name, help, labelNames: ["topic"] as const, registers: [this.registry] });
  }

  private topic(topic: string): TopicTraffic {
    let t = this.traffic.get(topic);
    if (!t) {
      t = {
        bytesIn: this.bytesIn.labels(topic),
        recordsIn: this.recordsIn.labels(topic),
        bytesOut: this.bytesOut.labels(topic),
        recordsOut: this.recordsOut.labels(topic),
      };
      this.traffic.set(topic, t);
    }
    return t;
  }

  /**
   * Per-partition gauges, rebuilt from the hosted partitions at every scrape. At
   * `level` "topic" each is the sum over the topic's hosted partitions, labelled by topic
   * only (as Redpanda's aggregate_metrics does): seven series per topic instead of seven
   * per partition, for brokers with many thousands of partitions.
   */
  private partitionGauges(level: "partition" | "topic"): void {
    const self = this;
    const byTopic = level === "topic";
    const perPartition = (name: string, help: string, read: (p: Partition) => number) =>
      new Gauge({
        name,
        help: byTopic
          ? `${help} Summed over the topic's partitions hosted here (metrics.partition.level=topic).`
          : help,
        labelNames: byTopic ? ["topic"] : ["topic", "partition"],
        registers: [this.registry],
        collect() {
          // Reset first: a partition moved away or deleted must disappear, not freeze.
          this.reset();
          const partitions = self.sources?.partitions() ?? [];
          if (!byTopic) {
            for (const p of partitions) this.set({ topic: p.tp.topic, partition: String(p.tp.partition) }, read(p));
            return;
          }
          const sums = new Map<string, number>();
          for (const p of partitions) sums.set(p.tp.topic, (sums.get(p.tp.topic) ?? 0) + read(p));
          for (const [topic, sum] of sums) this.set({ topic }, sum);
        },
      });
    perPartition(
      "tidelog_partition_log_end_offset",
      "Log end offset of a hosted partition.",
      (p) => p.log.logEndOffset,
    );
    perPartition(
      "tidelog_partition_high_watermark",
      "High watermark of a hosted partition.",
      (p) => p.log.highWatermark,
    );
    perPartition(
      "tidelog_partition_last_stable_offset",
      "Last stable offset of a hosted partition (read_committed consumers read below it).",
      (p) => p.log.lastStableOffset,
    );
    perPartition(
      "tidelog_partition_unstable_records",
      "High watermark minus last stable offset: records read_committed consumers wait for (open transactions).",
      (p) => p.log.highWatermark - p.log.lastStableOffset,
    );
    perPartition("tidelog_partition_log_size_bytes", "Bytes in a hosted partition's segments.", (p) => p.log.sizeBytes);
    perPartition("tidelog_partition_segments", "Segments of a hosted partition.", (p) => p.log.segmentCount);
    perPartition("tidelog_partition_leader", "1 where this broker leads the partition, else 0.", (p) =>
      p.role === "leader" ? 1 : 0,
    );
  }

  /** Group gauges, rebuilt from the coordinator's groups at every scrape. */
  private groupGauges(): void {
    const self = this;
    new Gauge({
      name: "tidelog_group_members",
      help: "Members of a group coordinated by this broker.",
      labelNames: ["group"] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const g of self.sources?.groups?.() ?? []) this.set({ group: g.groupId }, g.members.size);
      },
    });
    new Counter({
      name: "tidelog_group_rebalances_total",
      help: "Target assignments computed for a group since this broker became its coordinator (KIP-848 rebalances).",
      labelNames: ["group"] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const g of self.sources?.groups?.() ?? []) this.inc({ group: g.groupId }, g.rebalances);
      },
    });
    const perOffset = (
      name: string,
      help: string,
      read: (committed: number, p: Partition | undefined) => number | null,
    ) =>
      new Gauge({
        name,
        help,
        labelNames: ["group", "topic", "partition"] as const,
        registers: [this.registry],
        collect() {
          this.reset();
          const sources = self.sources;
          for (const g of sources?.groups?.() ?? []) {
            for (const [key, c] of g.offsets) {
              const tp = parseTpKey(key);
              const value = read(c.offset, sources?.partition?.(tp.topic, tp.partition));
              if (value !== null)
                this.set({ group: g.groupId, topic: tp.topic, partition: String(tp.partition) }, value);
            }
          }
        },
      });
    perOffset("tidelog_group_committed_offset", "A group's committed offset of a partition.", (committed) => committed);
    perOffset(
      "tidelog_group_lag",
      "High watermark minus the committed offset, for partitions this broker leads (others: see tidelog groups describe).",
      (committed, p) => (p?.role === "leader" ? Math.max(0, p.log.highWatermark - committed) : null),
    );
    perOffset(
      "tidelog_group_lag_seconds",
      "Age of the oldest unconsumed record (now minus the timestamp of the record at the committed offset), 0 when caught up, for partitions this broker leads.",
      (committed, p) => (p?.role === "leader" ? this.lagSeconds(p, committed) : null),
    );
  }

  /**
   * Seconds since the record at `committed` was written, read from the local log: one
   * bounded read per lagging partition per scrape. Null when it cannot be read (the
   * offset was deleted by retention, or the log fails), rather than a made-up age.
   */
  private lagSeconds(p: Partition, committed: number): number | null {
    const log = p.log;
    if (committed >= log.highWatermark) return 0;
    try {
      const read = log.read(Math.max(committed, log.logStartOffset), {
        maxBytes: LAG_READ_BYTES,
        upperOffset: log.highWatermark,
        minOneBatch: true,
      });
      const ts = firstRecordTimestamp(read.records, committed);
      const now = this.sources?.nowMs?.();
      return ts === null || now === undefined ? null : Math.max(0, (now - ts) / 1000);
    } catch {
      return null;
    }
  }

  /** Whether the log directory takes writes, read at scrape time. */
  private storageGauges(): void {
    const self = this;
    new Gauge({
      name: "tidelog_log_dir_failed",
      help: "1 while some partition log on this broker cannot write (full or failing disk), else 0.",
      registers: [this.registry],
      collect() {
        if (self.storage) this.set(self.storage.state.failed ? 1 : 0);
      },
    });
    new Gauge({
      name: "tidelog_failed_partition_logs",
      help: "Partition logs on this broker that refuse appends after a storage failure.",
      registers: [this.registry],
      collect() {
        if (self.storage) this.set(self.storage.state.failedLogs.length);
      },
    });
    new Counter({
      name: "tidelog_storage_failures_total",
      help: "Times a partition log on this broker went from writable to failed (a write or fsync error).",
      registers: [this.registry],
      collect() {
        this.reset();
        if (self.storage) this.inc(self.storage.failuresTotal);
      },
    });
  }

  /** Cluster-health gauges, computed at scrape time. */
  private clusterGauges(): void {
    const self = this;
    const gauge = (name: string, help: string, read: (s: MetricsSources) => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          if (self.sources) this.set(read(self.sources));
        },
      });
    gauge(
      "tidelog_under_replicated_partitions",
      "Partitions led by this broker whose ISR is smaller than their replica set.",
      (s) => {
        let n = 0;
        for (const p of s.partitions()) if (p.role === "leader" && p.isr.length < p.replicas.length) n++;
        return n;
      },
    );
    gauge(
      "tidelog_offline_partitions",
      "Partitions with no live leader; reported by the active controller only (0 elsewhere), as Kafka does.",
      (s) => {
        if (!s.isController()) return 0;
        let n = 0;
        for (const state of s.image().partitions.values()) if (state.value.leader < 0) n++;
        return n;
      },
    );
    gauge(
      "tidelog_reassigning_partitions",
      "Partitions being moved to new replicas; reported by the active controller only (0 elsewhere), as Kafka does.",
      (s) => {
        if (!s.isController()) return 0;
        let n = 0;
        for (const t of s.image().topics.values()) n += Object.keys(t.value.reassignments ?? {}).length;
        return n;
      },
    );
    new Counter({
      name: "tidelog_reassignment_bytes_out_total",
      help: "Bytes this broker, as leader, sent to replicas a reassignment is adding (what the reassignment throttle limits).",
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(self.sources?.reassignmentBytesOut?.() ?? 0);
      },
    });
    gauge("tidelog_controller_active", "1 while this broker is the active controller, else 0.", (s) =>
      s.isController() ? 1 : 0,
    );
    gauge("tidelog_controller_epoch", "Epoch of the controller as this broker sees it (-1 for none).", (s) =>
      s.controllerEpoch(),
    );
    gauge(
      "tidelog_brokers_alive",
      "Brokers registered in etcd, as this broker sees them.",
      (s) => s.image().brokers.size,
    );
  }
}
