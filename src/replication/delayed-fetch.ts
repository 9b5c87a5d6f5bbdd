/**
 * The wait of a consumer's long-poll fetch (Kafka's DelayedFetch): resolves when the high
 * watermark of any of `partitions` moves (a failure or leadership change wakes it too),
 * or after `timeoutMs`. One callback and one timer per waiting
 * fetch, however many partitions it covers. The caller re-reads after it resolves;
 * nothing is read here. Follower fetches, whose sessions cover thousands of partitions,
 * wait on one bell per follower instead (follower-bell.ts).
 */
import type { Clock } from "../common/clock.js";
import type { Partition } from "./partition.js";

export function awaitChange(clock: Clock, partitions: readonly Partition[], timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const unwatch: (() => void)[] = [];
    const done = () => {
      timer.cancel();
      for (const stop of unwatch) stop();
      resolve();
    };
    const timer = clock.after(timeoutMs, done);
    try {
      for (const p of partitions) unwatch.push(p.watchHighWatermark(done));
    } catch {
      // Too many watchers: wait out the timeout instead (answering now would spin).
      for (const stop of unwatch) stop();
    }
  });
}
