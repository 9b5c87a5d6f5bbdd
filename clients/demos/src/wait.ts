/**
 * Waiting, bounded. Events are ordered by waiting for a condition with a deadline
 * (`waitFor`); `sleep` is only for the demo's own schedule (a fault at 40% of the run),
 * never to let something "probably" happen. Both end early when the run is interrupted.
 */
import { setTimeout as delay } from "node:timers/promises";

export class DemoInterrupted extends Error {
  override name = "DemoInterrupted";
  constructor() {
    super("interrupted");
  }
}

export class WaitTimeoutError extends Error {
  override name = "WaitTimeoutError";
}

/** Sleeps `ms` (0 or less returns at once); throws DemoInterrupted when `signal` fires. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) throw new DemoInterrupted();
  if (ms <= 0) return;
  try {
    await delay(ms, undefined, signal ? { signal } : {});
  } catch (e) {
    if (signal?.aborted) throw new DemoInterrupted();
    throw e;
  }
}

export interface WaitOptions {
  /** What is awaited, for the timeout message. */
  readonly description: string;
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Polls `check` until it returns a truthy value, which it returns. A check that throws
 * counts as "not yet" (the cluster may be between leaders); the last error is in the
 * timeout message.
 */
export async function waitFor<T>(check: () => T | Promise<T>, options: WaitOptions): Promise<NonNullable<T>> {
  const deadline = Date.now() + options.timeoutMs;
  let last = "no check finished";
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
      last = `last value ${JSON.stringify(value)}`;
    } catch (e) {
      last = `last error ${e instanceof Error ? e.message : String(e)}`;
    }
    if (Date.now() >= deadline) {
      throw new WaitTimeoutError(
        `timed out after ${options.timeoutMs} ms waiting for ${options.description} (${last})`,
      );
    }
    await sleep(Math.min(options.intervalMs ?? 100, Math.max(1, deadline - Date.now())), options.signal);
  }
}

/** Resolves with `promise`, or with `undefined` after `ms`. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
