/**
 * The broker's background log compaction, as Kafka's LogCleaner and LogCleanerManager,
 * on Node's one thread: one pass at a time, in throttled chunks with awaits between them
 * (see cleaner.ts), so appends and fetches are served while it runs.
 *
 * Which log: among logs with cleanup.policy compact (or compact,delete), the "filthiest":
 * the largest dirty ratio, dirty bytes / (clean + dirty bytes), where
 *   - clean bytes are the closed segments wholly below the log's first dirty offset (what
 *     earlier passes compacted; persisted in `cleaner-offset-checkpoint` by LogManager);
 *   - dirty bytes are the closed segments from there up to the first uncleanable offset:
 *     the lowest of the active segment's base offset, the high watermark (a record not yet
 *     committed may still be truncated away), and the base of the first segment holding a
 *     record younger than min.compaction.lag.ms.
 * A log qualifies when its ratio is at least min.cleanable.dirty.ratio, when its oldest
 * dirty segment is older than max.compaction.lag.ms, or when a tombstone it holds has
 * reached its delete horizon (remembered from the pass that set it; after a restart such
 * a log waits for the next dirty-ratio pass).
 *
 * Example: segments [0..99 clean, 2 MB] [100..199 dirty, 1 MB] [200..299 dirty, 1 MB]
 * [300.. active], first dirty offset 100, high watermark 310: ratio 2/4 = 0.5, which
 * meets the default 0.5, so offsets 0..299 are compacted and the first dirty offset
 * becomes 300.
 *
 * A log whose pass fails with an error (a corrupt batch, an I/O error) is logged and left
 * alone until restart, as Kafka marks such partitions uncleanable, so one bad log does
 * not stop the others. Passes that find the log changed under them are abandoned quietly
 * and retried later.
 *
 * Not safe to call `cleanLog` concurrently with the background loop on the same log;
 * tests call it with the loop stopped.
 */
import type { Clock } from "../common/clock.js";
import type { Logger } from "../common/logger.js";
import { type TopicPartition, tpKey } from "../common/topic-partition.js";
import { type CleanableRange, Cleaner, type CleanResult } from "./cleaner.js";
import type { PartitionLog, SwapStep } from "./partition-log.js";
import { type Sleep, Throttler } from "./throttler.js";

export interface LogCleanerOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  /** log.cleaner.io.max.bytes.per.second: bytes read plus written; Infinity for no limit. */
  readonly ioMaxBytesPerSecond: number;
  /** log.cleaner.dedupe.buffer.size: memory of one pass's key -> offset map. */
  readonly offsetMapBytes: number;
  /** log.cleaner.backoff.ms: the pause when no log needs cleaning. */
  readonly backoffMs: number;
  /** Sleeping, for the throttle; default a timer that `stop` cuts short. */
  readonly sleep?: Sleep;
  readonly readChunkBytes?: number;
  /** Test seam: called after each step of a segment swap. */
  readonly onSwapStep?: (step: SwapStep) => void;
  /** Called after each completed pass, to persist the log's new first dirty offset. */
  readonly onCleaned?: () => void;
}

/** How dirty a log is; see the module header. */
export interface DirtyMeasure extends CleanableRange {
  readonly cleanBytes: number;
  readonly dirtyBytes: number;
  readonly dirtyRatio: number;
  /** max.compaction.lag.ms has passed for the oldest dirty segment. */
  readonly overdue: boolean;
}

export interface LogsSource {
  allLogs(): Iterable<{ tp: TopicPartition; log: PartitionLog }>;
}

/** Measures the cleanable part of `log` at `nowMs`. */
export function measureDirt(log: PartitionLog, nowMs: number): DirtyMeasure {
  const config = log.logConfig;
  // Not past the last stable offset: an open transaction may still abort (as Kafka's cleaner).
  let firstUncleanable = Math.min(log.activeSegmentBaseOffset, log.lastStableOffset);
  const segments = log.closedSegments;
  if (config.minCompactionLagMs > 0) {
    for (const s of segments) {
      if (s.maxTimestamp >= 0 && nowMs - s.maxTimestamp < config.minCompactionLagMs) {
        firstUncleanable = Math.min(firstUncleanable, s.baseOffset);
        break;
      }
    }
  }
  // Not clamped to firstUncleanable: after a follower's truncation makes a cleaned segment
  // active again the dirty point is above it, and a range that started lower would let a
  // pass move the dirty point back (the byte counts below are the same either way).
  const firstDirty = log.firstDirtyOffset;
  let cleanBytes = 0;
  let dirtyBytes = 0;
  let overdue = false;
  for (const s of segments) {
    if (s.nextOffset > firstUncleanable) break;
    if (s.nextOffset <= firstDirty) {
      cleanBytes += s.size;
      continue;
    }
    if (dirtyBytes === 0 && s.maxTimestamp >= 0 && nowMs - s.maxTimestamp > config.maxCompactionLagMs) overdue = true;
    dirtyBytes += s.size;
  }
  const total = cleanBytes + dirtyBytes;
  return {
    firstDirtyOffset: firstDirty,
    firstUncleanableOffset: firstUncleanable,
    cleanBytes,
    dirtyBytes,
    dirtyRatio: total === 0 ? 0 : dirtyBytes / total,
    overdue,
  };
}

export class LogCleaner {
  private readonly cleaner: Cleaner;
  private readonly throttler: Throttler;
  /** Earliest delete horizon of a tombstone each log holds, as the last pass left it. */
  private readonly horizons = new WeakMap<PartitionLog, number>();
  /** Logs whose pass failed with an error: left alone until restart. */
  private readonly uncleanable = new WeakSet<PartitionLog>();
  private running: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;
  /** Passes completed since start (for tests and metrics). */
  passes = 0;

  constructor(
    private readonly options: LogCleanerOptions,
    private readonly logs: LogsSource,
  ) {
    this.throttler = new Throttler(
      options.ioMaxBytesPerSecond,
      options.clock,
      options.sleep ?? ((ms) => this.pause(ms)),
    );
    this.cleaner = new Cleaner({
      clock: options.clock,
      logger: options.logger,
      throttler: this.throttler,
      offsetMapBytes: options.offsetMapBytes,
      stopping: () => this.stopping,
      ...(options.readChunkBytes !== undefined ? { readChunkBytes: options.readChunkBytes } : {}),
      ...(options.onSwapStep ? { onSwapStep: options.onSwapStep } : {}),
    });
  }

  /** Milliseconds the throttle has made passes wait. */
  get throttledMs(): number {
    return this.throttler.sleptMs;
  }

  /** The log most in need of a pass, or null when none qualifies. */
  filthiestLog(): { tp: TopicPartition; log: PartitionLog; measure: DirtyMeasure } | null {
    const now = this.options.clock.nowMs();
    let best: { tp: TopicPartition; log: PartitionLog; measure: DirtyMeasure } | null = null;
    let bestScore = -1;
    for (const { tp, log } of this.logs.allLogs()) {
      if (!log.logConfig.cleanupPolicy.includes("compact") || log.isClosed || this.uncleanable.has(log)) continue;
      const measure = measureDirt(log, now);
      const horizon = this.horizons.get(log);
      const horizonDue = horizon !== undefined && horizon <= now && measure.firstUncleanableOffset > log.logStartOffset;
      const byRatio = measure.dirtyBytes > 0 && measure.dirtyRatio >= log.logConfig.minCleanableDirtyRatio;
      if (!byRatio && !horizonDue && !(measure.overdue && measure.dirtyBytes > 0)) continue;
      if (measure.dirtyRatio > bestScore) {
        best = { tp, log, measure };
        bestScore = measure.dirtyRatio;
      }
    }
    return best;
  }

  /** Runs one pass on the filthiest log; null when no log qualified or the pass was abandoned. */
  async cleanFilthiestLog(): Promise<CleanResult | null> {
    const chosen = this.filthiestLog();
    if (!chosen) return null;
    return this.cleanLog(chosen.log, chosen.tp);
  }

  /** Runs one pass on `log` whatever its dirty ratio (tests; an operator's forced compaction). */
  async cleanLog(log: PartitionLog, tp?: TopicPartition): Promise<CleanResult | null> {
    const started = this.options.clock.nowMs();
    const measure = measureDirt(log, started);
    let result: CleanResult | null;
    try {
      result = await this.cleaner.clean(log, measure);
    } catch (e) {
      this.uncleanable.add(log);
      this.options.logger.error(
        { err: e, partition: tp ? tpKey(tp) : log.dir },
        "log cleaning failed; log left uncleaned",
      );
      return null;
    }
    if (!result) return null;
    this.passes++;
    if (result.earliestDeleteHorizonMs === null) this.horizons.delete(log);
    else this.horizons.set(log, result.earliestDeleteHorizonMs);
    this.options.onCleaned?.();
    this.options.logger.info(
      {
        partition: tp ? tpKey(tp) : log.dir,
        cleanedTo: result.endOffset,
        segments: result.segmentsRewritten,
        recordsRemoved: result.recordsRemoved,
        bytesRead: result.bytesRead,
        bytesWritten: result.bytesWritten,
        ms: this.options.clock.nowMs() - started,
      },
      "log compacted",
    );
    return result;
  }

  /** Starts the background loop: a pass whenever a log qualifies, else a pause of backoffMs. */
  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  /** Stops the loop; a pass in progress is abandoned at its next chunk. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    this.running = null;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let result: CleanResult | null = null;
      try {
        result = await this.cleanFilthiestLog();
      } catch (e) {
        this.options.logger.error({ err: e }, "log cleaner pass failed");
      }
      if (!result && !this.stopping) await this.pause(this.options.backoffMs);
    }
  }

  /** A timer that `stop` cuts short and that never keeps the process alive. */
  private pause(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = this.options.clock.after(
        ms,
        () => {
          this.wake = null;
          resolve();
        },
        { ref: false },
      );
      this.wake = () => {
        timer.cancel();
        this.wake = null;
        resolve();
      };
    });
  }
}
