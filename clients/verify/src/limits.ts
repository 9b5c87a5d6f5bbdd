/**
 * Every bound of the verifier in one place, with what it costs. `checkLimits` (run by
 * runVerify before anything starts) asserts that they agree with each other.
 */
export const LIMITS = {
  /** History bytes held before they are written out; a flush is one synchronous write of at most this. */
  historyBufferBytes: 64 * 1024,
  /**
   * Bytes of the launched cluster's process output kept in cluster.log (etcd's and every
   * broker's lines, for analysing an anomaly); past it, the file says it was cut.
   */
  clusterLogBytesMax: 1024 * 1024 * 1024,
  /** Longest wait before buffered history lines reach the file, so a crashed run leaves a recent history. */
  historyFlushIntervalMs: 200,
  /**
   * One history line at most: what readHistory accepts (a longer one is a bug or a doctored
   * file). The longest lines are polls of one stored batch; the workloads' producers send
   * one record at a time, so their batches are small, and 8 MiB leaves room for anything.
   */
  historyLineBytesMax: 8 * 1024 * 1024,
  /** Records per final-read op, so one history line stays well under historyLineBytesMax. */
  finalReadChunkRecords: 500,
  /** Examples kept per anomaly class; the rest are counted. */
  anomalyExamplesMax: 5,
  /** Characters of an error message kept in a history op. */
  errorTextMax: 240,
  /** Client processes of one run: each holds a producer or consumer and its buffers. */
  clientsMax: 64,
  /** Longest run (--seconds): histories and timelines grow with it. */
  runSecondsMax: 7 * 24 * 3600,
  /** One client send or transaction: delivery timeout, so no op outlives the run by long. */
  deliveryTimeoutMs: 15_000,
  /** One request attempt before the client tries elsewhere. */
  attemptTimeoutMs: 2_000,
  /** A client call, all attempts included. */
  requestTimeoutMs: 10_000,
  /** A process's pause after an error before its next op, so a dead cluster is not spun against. */
  errorBackoffMs: 100,
  /**
   * After the run: how long the cluster may take to be whole again (leaders, ISR, no open
   * transactions). After an hour of faults, healing restarts brokers whose logs take
   * seconds each to load, then the ISR regrows and the coordinators finish or time out
   * the transactions the last faults left open: a minute was not always enough (run 9).
   */
  settleTimeoutMs: 180_000,
  /**
   * After the final read: how long the replicas' logs may take to agree (a follower still
   * truncating an unacknowledged tail) before a difference counts as a divergence.
   */
  replicaAgreementTimeoutMs: 30_000,
  /** Between two comparisons of the replicas' logs while they may still be settling. */
  replicaAgreementRetryMs: 2_000,
  /** After the run: how long the final read may take. */
  finalReadTimeoutMs: 60_000,
  /** After the run (group): how long the members may take to process everything produced. */
  drainTimeoutMs: 60_000,
  /** Transactions are aborted by the coordinator after this, so one left open by a fault ends. */
  transactionTimeoutMs: 10_000,
  /** How often the progress callback is called. */
  progressIntervalMs: 250,
  /** Latency histogram buckets: from 0.1 ms, each 10% wider, up to ~10 min. */
  latencyBucketsBaseMs: 0.1,
  latencyBucketGrowth: 1.1,
  latencyBucketsMax: 170,
  /** Seconds of timeline kept: one bucket per second of the run (the run's own bound caps it). */
  timelineSecondsMax: 7 * 24 * 3600 + 600,
} as const;

export function checkLimits(): void {
  if (LIMITS.requestTimeoutMs > LIMITS.deliveryTimeoutMs) {
    throw new Error("requestTimeoutMs must not exceed deliveryTimeoutMs (a send gets at least one full try)");
  }
  if (LIMITS.attemptTimeoutMs > LIMITS.requestTimeoutMs) {
    throw new Error("attemptTimeoutMs must not exceed requestTimeoutMs");
  }
  if (LIMITS.transactionTimeoutMs > LIMITS.settleTimeoutMs) {
    throw new Error(
      "transactionTimeoutMs must be below settleTimeoutMs, or an open transaction outlives the settle wait",
    );
  }
  if (LIMITS.runSecondsMax + 600 > LIMITS.timelineSecondsMax) {
    throw new Error("timelineSecondsMax must cover the longest run and its final phases");
  }
}
