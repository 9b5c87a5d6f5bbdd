/**
 * How a leader's parked follower fetches learn that something happened to a partition
 * they replicate (an append, a failure, a leadership change): one wait per follower
 * stream, rung by the partition for each of its replicas. Registering a watch on each of
 * the session's partitions instead cost thousands of registrations per long poll on a
 * broker leading thousands of partitions (issue 26). A ring may be for a partition the
 * follower does not fetch here (parked, say): it then reads nothing new and waits again.
 */
import type { Clock } from "../common/clock.js";

/** Parked fetches per follower; a follower has one stream per leader, briefly two while it reconnects. */
export const FOLLOWER_WAITS_MAX = 64;

export class FollowerBell {
  private readonly waiting = new Map<number, Set<() => void>>();
  /** Rings per follower so far: a fetch that was not parked when one came still learns of it. */
  private readonly rings = new Map<number, number>();

  constructor(private readonly clock: Clock) {}

  /** How many times `replicaId`'s bell has rung: compare with a later count to tell whether it rang since. */
  rung(replicaId: number): number {
    return this.rings.get(replicaId) ?? 0;
  }

  /** Wakes every fetch parked for `replicas`. */
  ring(replicas: readonly number[]): void {
    for (const r of replicas) {
      this.rings.set(r, this.rung(r) + 1);
      const set = this.waiting.get(r);
      if (!set) continue;
      this.waiting.delete(r);
      for (const wake of set) wake();
    }
  }

  /** Resolves true when rung for `replicaId` (at once if it rang since the count `since`), false after `timeoutMs`. */
  wait(replicaId: number, timeoutMs: number, since: number): Promise<boolean> {
    if (this.rung(replicaId) !== since) return Promise.resolve(true);
    let set = this.waiting.get(replicaId);
    if (!set) {
      set = new Set();
      this.waiting.set(replicaId, set);
    }
    // Past the bound (a follower reconnecting in a loop), the oldest waits are answered:
    // they re-read, find nothing, and answer their follower, which is harmless.
    if (set.size >= FOLLOWER_WAITS_MAX) {
      const oldest = set.values().next().value;
      if (oldest) {
        set.delete(oldest);
        oldest();
      }
    }
    const waiters = set;
    return new Promise<boolean>((resolve) => {
      const wake = () => {
        timer.cancel();
        resolve(true);
      };
      const timer = this.clock.after(timeoutMs, () => {
        waiters.delete(wake);
        if (waiters.size === 0 && this.waiting.get(replicaId) === waiters) this.waiting.delete(replicaId);
        resolve(false);
      });
      waiters.add(wake);
    });
  }
}
