/**
 * Whether a broker's log directory takes writes: the storage half of Kafka's offline log
 * directories, except that tidelog recovers without a restart when it can.
 *
 * Every `checkIntervalMs` (and at once when a log reports a failure) it looks at every
 * log. While some log has failed recoverably (see "Storage failures" in
 * partition-log.ts), it first proves the directory takes writes again with one probe of
 * GATE_PROBE_BYTES (written, fsynced, deleted), and only then asks up to
 * RECOVERIES_PER_CHECK failed logs to `tryRecover`. Then it reports transitions of the
 * directory as a whole, once each:
 *
 *   writable --(a log failed)--> failed     error: which logs, the first error
 *   failed --(every log recovered)--> writable    info: for how long it was failed
 *
 * `state` is what /readyz and /metrics read, and `onChange` listeners (the broker's
 * registration, which tells the controller to move leadership away) hear each flip of
 * the state a check ends in: a failure that the same check already cleared is logged
 * (error, then info) but moves no leadership.
 *
 * Logs that could not be created at all (`failedCreations`) count as failed logs, and are
 * recovered by creating them (`retryCreation`) under the same gate and bound.
 *
 * Bounds: one probe per check, while something is failed; at most RECOVERIES_PER_CHECK
 * small probes (see PartitionLog.tryRecover) per check; reading every log's failure
 * field per check. Checks never overlap.
 */
import { open, rm } from "node:fs/promises";
import { join } from "node:path";
import type { TidelogError } from "@tidelog/client/record";
import type { Clock } from "../common/clock.js";
import type { Logger } from "../common/logger.js";
import { PeriodicTask } from "../common/periodic-task.js";
import { type TopicPartition, tpKey } from "../common/topic-partition.js";
import type { PartitionLog } from "./partition-log.js";

/**
 * Size of the directory probe. Larger than one produce batch usually is, so a disk with a
 * few pages free is not declared writable only to fail the next append (a flap of
 * leadership); small enough to cost nothing while the disk is failed.
 */
export const GATE_PROBE_BYTES = 1024 * 1024;
/** Logs asked to recover per check: each costs a 4 KiB write and an fsync on the event loop. */
export const RECOVERIES_PER_CHECK = 64;
/** How often the directory's logs are looked at (and failed ones retried) when no failure kicks a check. */
export const DEFAULT_HEALTH_CHECK_INTERVAL_MS = 500;
/** Failed logs named in a log line or a readiness reason. */
const NAMED_MAX = 10;
const GATE_PROBE_NAME = "write-probe.tmp";

export interface FailedLog {
  readonly tp: TopicPartition;
  readonly key: string;
  readonly error: TidelogError;
  /** False when only a restart can clear it (a failed fsync). */
  readonly recoverable: boolean;
  readonly sinceMs: number;
}

export interface LogDirState {
  /** True while any log refuses writes. */
  readonly failed: boolean;
  /** Every log that refuses writes, oldest failure first. */
  readonly failedLogs: readonly FailedLog[];
  /** Of those, how many wait for a restart. */
  readonly restartRequired: number;
  /** The last error of the directory probe while failed, if it failed. */
  readonly probeError: string | null;
}

export interface LogDirHealthOptions {
  readonly dataDir: string;
  readonly logs: () => Iterable<{ tp: TopicPartition; log: PartitionLog }>;
  /** Logs that could not be created; none when not given. */
  readonly failedCreations?: () => Iterable<FailedLog>;
  /** Creates one of those again; true once it exists. */
  readonly retryCreation?: (key: string) => boolean;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly checkIntervalMs?: number;
}

const HEALTHY: LogDirState = { failed: false, failedLogs: [], restartRequired: 0, probeError: null };

export class LogDirHealth {
  private current: LogDirState = HEALTHY;
  private failedSinceMs = 0;
  private failures = 0;
  /** The `failed` that listeners last heard. */
  private notified = false;
  private periodic: PeriodicTask | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly listeners: ((state: LogDirState) => void)[] = [];

  constructor(private readonly options: LogDirHealthOptions) {}

  get state(): LogDirState {
    return this.current;
  }

  /** Logs that went from writable to failed since start (a counter for /metrics). */
  get failuresTotal(): number {
    return this.failures;
  }

  /** Called with the new state whenever `failed` flips. */
  onChange(listener: (state: LogDirState) => void): void {
    this.listeners.push(listener);
  }

  /** A log just failed (PartitionLog's onFailure): count it and check at once. */
  logFailed(): void {
    this.failures++;
    this.kick();
  }

  start(): void {
    void rm(join(this.options.dataDir, GATE_PROBE_NAME), { force: true }).catch(() => {});
    this.periodic = new PeriodicTask({
      clock: this.options.clock,
      intervalMs: this.options.checkIntervalMs ?? DEFAULT_HEALTH_CHECK_INTERVAL_MS,
      run: () => (this.stopped ? undefined : this.check()),
      onError: (e) => this.options.logger.error({ err: e }, "log directory check failed"),
    });
    this.periodic.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.periodic?.stop();
    await this.running;
  }

  private kick(): void {
    if (this.stopped) return;
    this.check().catch((e: unknown) => this.options.logger.error({ err: e }, "log directory check failed"));
  }

  /** One check (see the header); a call during a check runs one more after it. */
  check(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = async () => {
      do {
        this.again = false;
        await this.checkOnce();
      } while (this.again && !this.stopped);
    };
    this.running = run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async checkOnce(): Promise<void> {
    // Observed before recovering, so even a failure cleared in this same check is logged.
    const failed = this.failedLogs();
    this.observe(failed, this.current.probeError);
    const recoverable = failed.filter((f) => f.recoverable);
    if (recoverable.length > 0) {
      const probeError = await this.probe();
      if (probeError === null) {
        const byKey = new Map([...this.options.logs()].map((e) => [tpKey(e.tp), e.log]));
        for (const f of recoverable.slice(0, RECOVERIES_PER_CHECK)) {
          const log = byKey.get(f.key);
          if (log) log.tryRecover();
          else this.options.retryCreation?.(f.key);
        }
      }
      this.observe(this.failedLogs(), probeError);
    }
    // Listeners hear where the check ended: a blip it already cleared moves no leadership.
    if (this.current.failed !== this.notified) {
      this.notified = this.current.failed;
      for (const listener of this.listeners) listener(this.current);
    }
  }

  private failedLogs(): FailedLog[] {
    const out: FailedLog[] = [];
    for (const { tp, log } of this.options.logs()) {
      const f = log.storageFailure;
      if (f) out.push({ tp, key: tpKey(tp), error: f.error, recoverable: f.recoverable, sinceMs: f.sinceMs });
    }
    out.push(...(this.options.failedCreations?.() ?? []));
    return out.sort((a, b) => a.sinceMs - b.sinceMs);
  }

  /** Writes, fsyncs and deletes a probe file in the data directory; the error text, or null. */
  private async probe(): Promise<string | null> {
    const path = join(this.options.dataDir, GATE_PROBE_NAME);
    try {
      const file = await open(path, "w");
      try {
        await file.writeFile(Buffer.alloc(GATE_PROBE_BYTES));
        await file.sync();
      } finally {
        await file.close();
      }
      return null;
    } catch (e) {
      return (e as Error).message;
    } finally {
      await rm(path, { force: true }).catch(() => {});
    }
  }

  private observe(failedLogs: FailedLog[], probeError: string | null): void {
    const was = this.current.failed;
    const restartRequired = failedLogs.filter((f) => !f.recoverable).length;
    const failed = failedLogs.length > 0;
    this.current = { failed, failedLogs, restartRequired, probeError: failed ? probeError : null };
    if (was === this.current.failed) return;
    const { logger, dataDir, clock } = this.options;
    if (this.current.failed) {
      this.failedSinceMs = clock.nowMs();
      const first = failedLogs[0] as FailedLog;
      logger.error(
        {
          dataDir,
          failedLogs: failedLogs.length,
          partitions: failedLogs.slice(0, NAMED_MAX).map((f) => f.key),
          err: first.error.message,
          restartRequired,
        },
        "cannot write to the log directory: its partitions refuse appends and give up leadership",
      );
    } else {
      logger.info({ dataDir, failedForMs: clock.nowMs() - this.failedSinceMs }, "log directory writable again");
    }
  }
}

/** A readiness reason for a failed directory, naming a failed partition and its error. */
export function describeLogDirFailure(state: LogDirState): string {
  const first = state.failedLogs[0];
  if (!first) return "log directory writable";
  const names = state.failedLogs.slice(0, NAMED_MAX).map((f) => f.key);
  const more = state.failedLogs.length > names.length ? ` and ${state.failedLogs.length - names.length} more` : "";
  const restart =
    state.restartRequired > 0 ? `; ${state.restartRequired} need a restart to recover (an fsync failed)` : "";
  return `cannot write ${state.failedLogs.length} partition log(s) (${names.join(", ")}${more}): ${first.key}: ${first.error.message}${restart}`;
}
