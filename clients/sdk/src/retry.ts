/**
 * Retrying one operation: jittered exponential backoff, a bounded number of attempts,
 * all inside one deadline. Time, randomness and sleeping enter through `RetrySeams` so
 * a test can drive them.
 *
 * Rules: only errors the caller's predicate accepts are retried (retriable codes and
 * transport failures); anything that is not a TidelogError is a bug and passes through
 * untouched; the final error is a RetriesExhaustedError naming attempts, time and cause.
 */
import { setTimeout as sleepMs } from "node:timers/promises";
import { RetriesExhaustedError } from "./client-errors.js";
import { TidelogError } from "./errors.js";
import { BACKOFF_JITTER } from "./limits.js";
import type { Logger } from "./logger.js";

export interface RetryOptions {
  /** Attempts after the first. */
  readonly retries: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
}

export interface RetrySeams {
  nowMs(): number;
  /** Uniform in [0, 1). */
  random(): number;
  sleep(ms: number): Promise<void>;
}

export const systemSeams: RetrySeams = {
  nowMs: () => Date.now(),
  random: Math.random,
  sleep: (ms) => sleepMs(ms),
};

export interface Attempt {
  /** 1 for the first attempt. */
  readonly number: number;
  /** Wall-clock time (ms since the epoch) by which this attempt must be over: its gRPC deadline. */
  readonly deadlineMs: number;
}

/** The wait before retry `retry` (1-based): initial * 2^(retry-1), capped, then jittered. */
export function backoffMs(retry: number, policy: RetryOptions, random: () => number): number {
  const base = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** (retry - 1));
  const jitter = 1 + BACKOFF_JITTER * (2 * random() - 1);
  return Math.max(1, Math.round(base * jitter));
}

export class Retrier {
  constructor(
    private readonly policy: RetryOptions,
    private readonly timeoutMs: number,
    /** Bound on one attempt, so a hung broker costs one attempt and not the whole call. */
    private readonly attemptTimeoutMs: number,
    private readonly seams: RetrySeams,
    private readonly logger: Logger,
  ) {}

  /**
   * `attempt` until it succeeds, fails with an error `shouldRetry` refuses, or the policy
   * ends: its retry count or the call's deadline. `untilDeadline` drops the count, for
   * operations whose retriable errors last as long as a failover does (a transaction
   * coordinator finishing the previous instance's transaction), as Kafka's producer
   * retries those until max.block.ms: the deadline still bounds them.
   */
  async run<T>(
    operation: string,
    attempt: (a: Attempt) => Promise<T>,
    shouldRetry: (e: TidelogError) => boolean,
    options: { untilDeadline?: boolean } = {},
  ): Promise<T> {
    const startMs = this.seams.nowMs();
    const deadlineMs = startMs + this.timeoutMs;
    for (let number = 1; ; number++) {
      try {
        return await attempt({ number, deadlineMs: Math.min(deadlineMs, this.seams.nowMs() + this.attemptTimeoutMs) });
      } catch (e) {
        if (!(e instanceof TidelogError) || !shouldRetry(e)) throw e;
        const waitMs = this.nextWait(operation, e, number, startMs, deadlineMs, options.untilDeadline === true);
        this.logger.warn({ operation, attempt: number, waitMs, code: e.code, error: e.message }, "retrying");
        await this.seams.sleep(waitMs);
      }
    }
  }

  /** How long to wait before attempt `number + 1`, or the final error when there is none. */
  private nextWait(
    operation: string,
    e: TidelogError,
    number: number,
    startMs: number,
    deadlineMs: number,
    untilDeadline: boolean,
  ): number {
    const nowMs = this.seams.nowMs();
    if (!untilDeadline && number > this.policy.retries) {
      throw new RetriesExhaustedError(operation, e, number, nowMs - startMs, "retries");
    }
    const waitMs = backoffMs(number, this.policy, this.seams.random);
    if (nowMs + waitMs >= deadlineMs) {
      throw new RetriesExhaustedError(operation, e, number, nowMs - startMs, "deadline");
    }
    return waitMs;
  }
}
