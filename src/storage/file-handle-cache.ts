/**
 * A bounded pool of open segment file descriptors, shared by every log a LogManager
 * holds. A broker with thousands of partitions and many segments each would otherwise
 * hold one descriptor per segment and hit the process limit; here at most `capacity`
 * are open, least recently used first to close.
 *
 * Synchronous reads and writes borrow a descriptor for the duration of one call, so they
 * cannot overlap an eviction (JavaScript runs them to completion). Asynchronous work
 * (fsync on the thread pool) pins the descriptor until it finishes; a pinned descriptor
 * is never closed under it, even if that means exceeding the capacity for a moment.
 */
import { closeSync, openSync } from "node:fs";
import { invariant } from "../common/invariant.js";

interface Entry {
  fd: number;
  pins: number;
  /** Closed by `forget` while pinned: close when the last pin is released. */
  doomed: boolean;
}

export class FileHandleCache {
  /** Map iteration order is insertion order: re-inserting on use keeps LRU order. */
  private readonly entries = new Map<string, Entry>();
  private opened = 0;

  constructor(readonly capacity: number) {
    invariant(Number.isSafeInteger(capacity) && capacity >= 2, `file handle capacity ${capacity} must be >= 2`);
  }

  get openCount(): number {
    return this.entries.size;
  }

  /** How many times a descriptor was opened (for tests and metrics). */
  get openedTotal(): number {
    return this.opened;
  }

  /** Runs `fn` with an open read-write descriptor for `path` (which must exist). */
  use<T>(path: string, fn: (fd: number) => T): T {
    return fn(this.acquire(path).fd);
  }

  /**
   * Pins the descriptor until the returned `release` is called: for work that outlives
   * one call. The release closure holds its own entry, so a file forgotten and reopened
   * under the same path meanwhile is never confused with it.
   */
  pin(path: string): { readonly fd: number; release(): void } {
    const entry = this.acquire(path);
    entry.pins++;
    let released = false;
    return {
      fd: entry.fd,
      release: () => {
        invariant(!released, `double release of ${path}`);
        released = true;
        entry.pins--;
        if (entry.pins === 0 && entry.doomed) closeSync(entry.fd);
      },
    };
  }

  /** Closes the descriptor of a file about to be deleted, renamed or truncated away. */
  forget(path: string): void {
    const entry = this.entries.get(path);
    if (!entry) return;
    this.entries.delete(path);
    if (entry.pins > 0) entry.doomed = true;
    else closeSync(entry.fd);
  }

  closeAll(): void {
    for (const path of [...this.entries.keys()]) this.forget(path);
  }

  private acquire(path: string): Entry {
    const existing = this.entries.get(path);
    if (existing) {
      this.entries.delete(path);
      this.entries.set(path, existing);
      return existing;
    }
    this.evictDownTo(this.capacity - 1);
    const entry: Entry = { fd: openSync(path, "r+"), pins: 0, doomed: false };
    this.opened++;
    this.entries.set(path, entry);
    return entry;
  }

  private evictDownTo(size: number): void {
    if (this.entries.size <= size) return;
    for (const [path, entry] of this.entries) {
      if (this.entries.size <= size) return;
      if (entry.pins === 0) {
        this.entries.delete(path);
        closeSync(entry.fd);
      }
    }
  }
}
