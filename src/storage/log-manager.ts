/**
 * Every partition log of one broker, under one data directory.
 *
 * On disk:
 *   <data>/.lock                              the process that owns the directory
 *   <data>/.clean-shutdown                    present only after a clean stop
 *   <data>/recovery-point-offset-checkpoint   per log: offsets below it were fsynced
 *   <data>/replication-offset-checkpoint      per log: the high watermark
 *   <data>/log-start-offset-checkpoint        per log: the first offset kept
 *   <data>/cleaner-offset-checkpoint          per compacted log: its first dirty offset
 *   <data>/<topic>-<partition>/               one PartitionLog each
 *   <data>/<topic>-<partition>.<n>-delete/    a deleted log whose files are still going
 *
 * After a clean stop the logs open without a scan; after an unclean one each log scans
 * from its checkpointed recovery point. The manager also runs the background duties:
 * fsync by flush.ms, retention, and checkpoints; each is a method tests can call
 * directly, and `start` merely calls them on timers. `start` also starts the log cleaner
 * (compaction, see log-cleaner.ts), which `shutdown` stops first.
 *
 * One FileHandleCache bounds the open descriptors across all logs.
 *
 * `health` (log-dir-health.ts) watches for logs that cannot write, tries to recover them
 * and reports the directory's state; `start` starts it with the other duties. A log that
 * cannot even be created (the disk was full when the partition was assigned here) counts
 * as a failed log too: getOrCreateLog throws STORAGE_ERROR, and the health check creates
 * it once the directory takes writes again.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TidelogError } from "@tidelog/client/record";
import type { Clock } from "../common/clock.js";
import type { Logger } from "../common/logger.js";
import { PeriodicTask } from "../common/periodic-task.js";
import { type TopicPartition, tpKey } from "../common/topic-partition.js";
import { CheckpointFile } from "./checkpoint-file.js";
import { FileHandleCache } from "./file-handle-cache.js";
import { LogCleaner, type LogCleanerOptions } from "./log-cleaner.js";
import type { LogConfig } from "./log-config.js";
import { type FailedLog, LogDirHealth } from "./log-dir-health.js";
import { PartitionLog } from "./partition-log.js";
import { logDirName, parseLogDirName } from "./topic-partition.js";

export interface LogManagerOptions {
  readonly dataDir: string;
  readonly defaultConfig: LogConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Bound on open segment files across all logs. */
  readonly openFilesMax: number;
  /** Config of a log found on disk at start-up (from the topic's metadata when known). */
  readonly configFor?: (tp: TopicPartition) => LogConfig;
  readonly flushCheckIntervalMs?: number;
  readonly retentionCheckIntervalMs?: number;
  readonly checkpointIntervalMs?: number;
  /** How often failed logs are retried and the directory's state re-read (log-dir-health.ts). */
  readonly healthCheckIntervalMs?: number;
  /** log.cleaner.io.max.bytes.per.second; default DEFAULT_CLEANER_IO_MAX_BYTES_PER_SECOND. */
  readonly cleanerIoMaxBytesPerSecond?: number;
  /** log.cleaner.backoff.ms: how often the cleaner looks for a log to compact when idle. */
  readonly cleanerBackoffMs?: number;
  /** log.cleaner.dedupe.buffer.size: memory bound of one compaction pass's key map. */
  readonly cleanerDedupeBufferBytes?: number;
  /** Test seams of the cleaner (its throttle's sleep, a crash hook in the swap). */
  readonly cleanerSeams?: Pick<LogCleanerOptions, "sleep" | "onSwapStep" | "readChunkBytes">;
}

/** A bounded default: compaction must not take the disk from produce and fetch. */
export const DEFAULT_CLEANER_IO_MAX_BYTES_PER_SECOND = 10 * 1024 * 1024;
/** As Kafka's log.cleaner.backoff.ms. */
export const DEFAULT_CLEANER_BACKOFF_MS = 15_000;
/** Kafka's default is 128 MiB over all cleaner threads; tidelog runs one pass at a time. */
export const DEFAULT_CLEANER_DEDUPE_BUFFER_BYTES = 64 * 1024 * 1024;

const CLEAN_SHUTDOWN = ".clean-shutdown";
const LOCK = ".lock";

export class LogManager {
  private readonly logs = new Map<string, { tp: TopicPartition; log: PartitionLog }>();
  /** Logs that could not be created, by key, until created or forgotten. */
  private readonly creationFailures = new Map<
    string,
    { tp: TopicPartition; config: LogConfig; error: TidelogError; sinceMs: number }
  >();
  private readonly files: FileHandleCache;
  private readonly recoveryPoints: CheckpointFile;
  private readonly highWatermarks: CheckpointFile;
  private readonly logStarts: CheckpointFile;
  private readonly cleanerOffsets: CheckpointFile;
  /** Compacts logs with cleanup.policy compact; started by `start`. */
  readonly cleaner: LogCleaner;
  /** Whether the directory takes writes; started by `start`. */
  readonly health: LogDirHealth;
  private readonly duties: PeriodicTask[] = [];
  private deletions = 0;
  private closed = false;

  private constructor(private readonly options: LogManagerOptions) {
    this.files = new FileHandleCache(options.openFilesMax);
    this.recoveryPoints = new CheckpointFile(join(options.dataDir, "recovery-point-offset-checkpoint"), options.logger);
    this.highWatermarks = new CheckpointFile(join(options.dataDir, "replication-offset-checkpoint"), options.logger);
    this.logStarts = new CheckpointFile(join(options.dataDir, "log-start-offset-checkpoint"), options.logger);
    this.cleanerOffsets = new CheckpointFile(join(options.dataDir, "cleaner-offset-checkpoint"), options.logger);
    this.cleaner = new LogCleaner(
      {
        clock: options.clock,
        logger: options.logger.child({ component: "log-cleaner" }),
        ioMaxBytesPerSecond: options.cleanerIoMaxBytesPerSecond ?? DEFAULT_CLEANER_IO_MAX_BYTES_PER_SECOND,
        backoffMs: options.cleanerBackoffMs ?? DEFAULT_CLEANER_BACKOFF_MS,
        offsetMapBytes: options.cleanerDedupeBufferBytes ?? DEFAULT_CLEANER_DEDUPE_BUFFER_BYTES,
        onCleaned: () => this.writeCheckpoints(),
        ...options.cleanerSeams,
      },
      this,
    );
    this.health = new LogDirHealth({
      dataDir: options.dataDir,
      logs: () => this.logs.values(),
      failedCreations: () => this.failedCreations(),
      retryCreation: (key) => this.retryCreation(key),
      clock: options.clock,
      logger: options.logger.child({ component: "log-dir-health" }),
      ...(options.healthCheckIntervalMs === undefined ? {} : { checkIntervalMs: options.healthCheckIntervalMs }),
    });
  }

  /** Takes the data directory, recovers every log in it, and returns the manager. */
  static open(options: LogManagerOptions): LogManager {
    mkdirSync(options.dataDir, { recursive: true });
    const manager = new LogManager(options);
    manager.lock();
    manager.loadLogs();
    return manager;
  }

  private lock(): void {
    const path = join(this.options.dataDir, LOCK);
    if (existsSync(path)) {
      const pid = Number(readFileSync(path, "utf8").trim());
      if (Number.isSafeInteger(pid) && pid !== process.pid && isAlive(pid)) {
        throw new TidelogError("STORAGE_ERROR", `data directory ${this.options.dataDir} is in use by process ${pid}`);
      }
    }
    writeFileSync(path, String(process.pid));
  }

  private loadLogs(): void {
    const { dataDir, logger } = this.options;
    const cleanMarker = join(dataDir, CLEAN_SHUTDOWN);
    const clean = existsSync(cleanMarker);
    const recovery = this.recoveryPoints.read();
    const hws = this.highWatermarks.read();
    const starts = this.logStarts.read();
    const cleaned = this.cleanerOffsets.read();
    const started = this.options.clock.nowMs();
    for (const name of readdirSync(dataDir, { withFileTypes: true })) {
      if (!name.isDirectory()) continue;
      if (name.name.endsWith("-delete")) {
        rmSync(join(dataDir, name.name), { recursive: true, force: true });
        continue;
      }
      const tp = parseLogDirName(name.name);
      if (!tp) {
        logger.warn({ dir: name.name }, "ignoring a directory that is not a partition log");
        continue;
      }
      const key = tpKey(tp);
      const log = PartitionLog.open({
        dir: join(dataDir, name.name),
        config: this.options.configFor?.(tp) ?? this.options.defaultConfig,
        files: this.files,
        clock: this.options.clock,
        logger: logger.child({ topic: tp.topic, partition: tp.partition }),
        recoveryPoint: recovery.get(key) ?? 0,
        highWatermark: hws.get(key) ?? 0,
        logStartOffset: starts.get(key) ?? 0,
        firstDirtyOffset: cleaned.get(key) ?? 0,
        cleanShutdown: clean,
        onFailure: () => this.health.logFailed(),
      });
      this.logs.set(key, { tp, log });
    }
    // The marker is only true of the run that wrote it.
    rmSync(cleanMarker, { force: true });
    logger.info(
      { logs: this.logs.size, cleanShutdown: clean, ms: this.options.clock.nowMs() - started },
      "loaded partition logs",
    );
  }

  get openFileCount(): number {
    return this.files.openCount;
  }

  /** The log directory. */
  get dataDir(): string {
    return this.options.dataDir;
  }

  get logCount(): number {
    return this.logs.size;
  }

  getLog(tp: TopicPartition): PartitionLog | undefined {
    return this.logs.get(tpKey(tp))?.log;
  }

  allLogs(): { tp: TopicPartition; log: PartitionLog }[] {
    return [...this.logs.values()];
  }

  getOrCreateLog(tp: TopicPartition, config: LogConfig = this.options.defaultConfig): PartitionLog {
    this.checkOpen();
    const key = tpKey(tp);
    const existing = this.logs.get(key);
    if (existing) return existing.log;
    let log: PartitionLog;
    try {
      log = PartitionLog.open({
        dir: join(this.options.dataDir, logDirName(tp)),
        config,
        files: this.files,
        clock: this.options.clock,
        logger: this.options.logger.child({ topic: tp.topic, partition: tp.partition }),
        onFailure: () => this.health.logFailed(),
      });
    } catch (e) {
      throw this.creationFailed(tp, config, e);
    }
    this.creationFailures.delete(key);
    this.logs.set(key, { tp, log });
    return log;
  }

  /**
   * Records that the log of `tp` could not be made ready (created, or its partition
   * metadata written): it counts as a failed log until `retryCreation` succeeds. Returns
   * the STORAGE_ERROR to answer with.
   */
  creationFailed(tp: TopicPartition, config: LogConfig, cause: unknown): TidelogError {
    const key = tpKey(tp);
    const known = this.creationFailures.get(key);
    const error =
      cause instanceof TidelogError && cause.code === "STORAGE_ERROR"
        ? cause
        : new TidelogError(
            "STORAGE_ERROR",
            `cannot create the log of ${key} in ${this.options.dataDir}: ${(cause as Error).message}`,
          );
    this.creationFailures.set(key, { tp, config, error, sinceMs: known?.sinceMs ?? this.options.clock.nowMs() });
    if (!known) this.health.logFailed();
    return error;
  }

  /** Logs that could not be created, for the health check: failed, and recoverable by creating them. */
  failedCreations(): FailedLog[] {
    return [...this.creationFailures.entries()].map(([key, f]) => ({
      tp: f.tp,
      key,
      error: f.error,
      recoverable: true,
      sinceMs: f.sinceMs,
    }));
  }

  /** Stops retrying a log that could not be created (its partition is no longer assigned here). */
  forgetFailedCreation(tp: TopicPartition): void {
    this.creationFailures.delete(tpKey(tp));
  }

  /** Tries once more to create a log that could not be created; true once it exists. */
  private retryCreation(key: string): boolean {
    const failure = this.creationFailures.get(key);
    if (!failure || this.closed) return false;
    try {
      this.getOrCreateLog(failure.tp, failure.config);
      this.creationFailures.delete(key);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Removes a log. The directory is renamed first, so a crash half-way leaves a
   * `-delete` directory that the next start finishes removing rather than a log that
   * comes back.
   */
  async deleteLog(tp: TopicPartition): Promise<boolean> {
    const key = tpKey(tp);
    const entry = this.logs.get(key);
    if (!entry) return false;
    this.logs.delete(key);
    await entry.log.close();
    const doomed = join(
      this.options.dataDir,
      `${logDirName(tp)}.${this.options.clock.nowMs()}-${this.deletions++}-delete`,
    );
    renameSync(entry.log.dir, doomed);
    rmSync(doomed, { recursive: true, force: true });
    this.writeCheckpoints();
    return true;
  }

  /** fsyncs the logs whose flush.messages or flush.ms is due. */
  async flushDueLogs(): Promise<void> {
    const due = this.allLogs().filter(({ log }) => log.flushNeeded());
    await Promise.all(due.map(({ log }) => log.flush()));
  }

  /** Applies retention to every log; returns the number of segments deleted. */
  runRetention(): number {
    let deleted = 0;
    for (const { log } of this.logs.values()) deleted += log.deleteRetainedSegments();
    return deleted;
  }

  writeCheckpoints(): void {
    const rp = new Map<string, { tp: TopicPartition; offset: number }>();
    const hw = new Map<string, { tp: TopicPartition; offset: number }>();
    const ls = new Map<string, { tp: TopicPartition; offset: number }>();
    const co = new Map<string, { tp: TopicPartition; offset: number }>();
    for (const [key, { tp, log }] of this.logs) {
      rp.set(key, { tp, offset: log.recoveryPoint });
      hw.set(key, { tp, offset: log.highWatermark });
      ls.set(key, { tp, offset: log.logStartOffset });
      // Kept for a log compacted once, even after its policy changed: an offset above 0
      // tells recovery that the log's offsets may have gaps.
      if (log.mayHaveGaps) co.set(key, { tp, offset: log.firstDirtyOffset });
    }
    this.recoveryPoints.write(rp);
    this.highWatermarks.write(hw);
    this.logStarts.write(ls);
    this.cleanerOffsets.write(co);
  }

  /** Runs the background duties on the clock (they never keep the process alive). */
  start(): void {
    const every = (ms: number | undefined, run: () => unknown) => {
      if (!ms) return;
      const duty = new PeriodicTask({
        clock: this.options.clock,
        intervalMs: ms,
        run,
        onError: (e) => this.options.logger.error({ err: e }, "background log task failed"),
      });
      duty.start();
      this.duties.push(duty);
    };
    every(this.options.flushCheckIntervalMs ?? 1000, () => this.flushDueLogs());
    every(this.options.retentionCheckIntervalMs ?? 5 * 60 * 1000, () => this.runRetention());
    every(this.options.checkpointIntervalMs ?? 60 * 1000, () => this.writeCheckpoints());
    this.cleaner.start();
    this.health.start();
  }

  /** Stops timers, fsyncs and closes every log, writes checkpoints and the clean-shutdown marker. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.duties.map((d) => d.stop()));
    await this.health.stop();
    await this.cleaner.stop();
    const closes = await Promise.allSettled(this.allLogs().map(({ log }) => log.close()));
    this.writeCheckpoints();
    this.files.closeAll();
    // Only a stop that fsynced every log may let the next start skip recovery.
    const failed = closes.filter((c) => c.status === "rejected");
    if (failed.length === 0) writeFileSync(join(this.options.dataDir, CLEAN_SHUTDOWN), "");
    else this.options.logger.error({ failed: failed.length }, "logs failed to close; the next start will recover them");
    rmSync(join(this.options.dataDir, LOCK), { force: true });
  }

  /**
   * Lets go of the directory as a kill -9 leaves it: open files closed without a flush,
   * no checkpoints, no clean-shutdown marker, so the next open recovers every log. The
   * in-process simulation's crash; a broker never calls it.
   */
  abandon(): void {
    if (this.closed) return;
    this.closed = true;
    for (const d of this.duties) void d.stop();
    void this.health.stop();
    void this.cleaner.stop();
    this.files.closeAll();
  }

  private checkOpen(): void {
    if (this.closed) throw new TidelogError("STORAGE_ERROR", "the log manager is shut down");
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
