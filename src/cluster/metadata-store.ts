/**
 * tidelog's door to etcd: one client, one namespace (`/tidelog/<cluster-id>/`), reads of
 * the whole metadata at one revision, and a watch that keeps a MetadataImage current.
 *
 * Failure model: etcd may be unreachable for a while. Reads and writes then fail with
 * METADATA_UNAVAILABLE (retriable) instead of hanging: every call has a deadline. The
 * watch marks itself stale on a disconnect and, once connected again, replaces its image
 * with a full read (level-triggered: a missed event can never leave a broker behind),
 * and it re-reads everything on a timer as a last safety net.
 */

import { TidelogError } from "@tidelog/client/record";
import { ExponentialBackoff, type IBackoff, noop } from "cockatiel";
import { Etcd3, type Namespace } from "etcd3";
import { type Clock, wallClockDeadline } from "../common/clock.js";
import type { Logger } from "../common/logger.js";
import { PeriodicTask } from "../common/periodic-task.js";
import { type MetadataEntry, MetadataImage } from "./metadata-image.js";

export interface MetadataStoreOptions {
  readonly endpoints: readonly string[];
  readonly clusterId: string;
  readonly logger: Logger;
  /** Deadline of every unary etcd call. */
  readonly requestTimeoutMs: number;
}

export class MetadataStore {
  readonly client: Etcd3;
  readonly ns: Namespace;

  constructor(readonly options: MetadataStoreOptions) {
    this.client = new Etcd3({
      hosts: [...options.endpoints],
      dialTimeout: options.requestTimeoutMs,
      defaultCallOptions: (context) =>
        context.isStream ? {} : { deadline: wallClockDeadline(options.requestTimeoutMs) },
      faultHandling: {
        // etcd3's default per-host circuit breaker refuses every call for 5 s after three
        // failures, so a broker would keep serving stale metadata well after etcd is
        // back. Every call here has its own deadline and caller-side retry; no breaker.
        host: () => noop,
        // Watches reconnect within 2 s of etcd's return, not the default 30 s. etcd3 takes
        // the backoff factory (as its docs show) though its typings name the state type.
        watchBackoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 2000 }) as unknown as IBackoff<unknown>,
      },
    });
    this.ns = this.client.namespace(`/tidelog/${options.clusterId}/`);
  }

  /** Every metadata key at one revision (within `timeoutMs`, default the request timeout). */
  async readAll(timeoutMs = this.options.requestTimeoutMs): Promise<{ entries: MetadataEntry[]; revision: number }> {
    const res = await unavailableOnError("read metadata", () =>
      this.ns
        .getAll()
        .prefix("")
        .options({ deadline: wallClockDeadline(timeoutMs) })
        .exec(),
    );
    return {
      revision: Number(res.header.revision),
      entries: res.kvs.map((kv) => ({
        key: kv.key.toString(),
        value: kv.value.toString(),
        modRevision: Number(kv.mod_revision),
        createRevision: Number(kv.create_revision),
      })),
    };
  }

  close(): void {
    this.client.close();
  }
}

/** Runs an etcd call, turning transport failures into METADATA_UNAVAILABLE. */
export async function unavailableOnError<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof TidelogError) throw e;
    throw new TidelogError("METADATA_UNAVAILABLE", `${what}: ${(e as Error).message}`, { cause: e });
  }
}

export interface MetadataWatchOptions {
  readonly resyncIntervalMs: number;
  readonly clock: Clock;
}

/**
 * Keeps a MetadataImage current and tells listeners after every change. Listeners
 * reconcile from the whole image, never from the event alone.
 */
export class MetadataWatch {
  private current: MetadataImage;
  private watcher: { cancel(): Promise<void> } | null = null;
  private stale = true;
  private closed = false;
  private resyncing: Promise<void> | null = null;
  private resyncTask: PeriodicTask | null = null;
  private readonly listeners: ((image: MetadataImage) => void)[] = [];

  constructor(
    private readonly store: MetadataStore,
    private readonly logger: Logger,
    private readonly options: MetadataWatchOptions,
  ) {
    this.current = new MetadataImage(logger);
  }

  get image(): MetadataImage {
    return this.current;
  }

  /** False between a lost watch and the full read that follows it. */
  get isSynced(): boolean {
    return !this.stale;
  }

  /**
   * Metadata as etcd holds it now, for answers that must reflect every completed write
   * (an admin describe right after a create, answered by another broker). Falls back to
   * the watched image, which may lag, when etcd does not answer within `timeoutMs`:
   * serving slightly old metadata beats serving none while etcd is away.
   */
  async freshImage(timeoutMs: number): Promise<MetadataImage> {
    try {
      const { entries, revision } = await this.store.readAll(timeoutMs);
      // etcd answers again while the watch still counts itself cut off: catch up now.
      if (this.stale) this.resync().catch(() => {});
      return MetadataImage.fromEntries(entries, revision, this.logger);
    } catch (e) {
      this.logger.warn(
        { err: (e as Error).message },
        "etcd did not answer a fresh read; answering from the watched metadata",
      );
      return this.current;
    }
  }

  onChange(listener: (image: MetadataImage) => void): void {
    this.listeners.push(listener);
  }

  /** Reads everything and starts watching; retries in the background if etcd is down. */
  async start(): Promise<void> {
    await this.resync();
    this.resyncTask = new PeriodicTask({
      clock: this.options.clock,
      intervalMs: this.options.resyncIntervalMs,
      run: () => this.resync(),
      onError: () => {}, // etcd is down: the next resync tries again, and `isSynced` says so
    });
    this.resyncTask.start();
  }

  /** Replaces the image with a full read, then watches from that revision. Calls are merged. */
  resync(): Promise<void> {
    if (this.resyncing) return this.resyncing;
    this.resyncing = this.doResync().finally(() => {
      this.resyncing = null;
    });
    return this.resyncing;
  }

  private async doResync(): Promise<void> {
    if (this.closed) return;
    const { entries, revision } = await this.store.readAll();
    const image = MetadataImage.fromEntries(entries, revision, this.logger);
    await this.watcher?.cancel().catch(() => {});
    this.watcher = null;
    this.current = image;
    this.stale = false;
    this.notify();
    await this.watchFrom(revision + 1);
  }

  private async watchFrom(revision: number): Promise<void> {
    const watcher = await this.store.ns.watch().prefix("").startRevision(String(revision)).create();
    if (this.closed) {
      await watcher.cancel();
      return;
    }
    this.watcher = watcher;
    watcher.on("data", (res) => {
      if (this.watcher !== watcher || this.stale) return;
      for (const ev of res.events) {
        this.current.apply({
          key: ev.kv.key.toString(),
          value: ev.type === "Delete" ? null : ev.kv.value.toString(),
          modRevision: Number(ev.kv.mod_revision),
          createRevision: Number(ev.kv.create_revision),
        });
      }
      if (res.events.length > 0) this.notify();
    });
    watcher.on("disconnected", () => {
      if (this.watcher !== watcher) return;
      this.stale = true;
      this.logger.warn("metadata watch disconnected from etcd; serving the last known metadata");
    });
    watcher.on("connected", () => {
      if (this.watcher === watcher && this.stale) this.resync().catch(() => {});
    });
    watcher.on("error", (err) => {
      if (this.watcher !== watcher) return;
      this.stale = true;
      this.logger.warn({ err: err.message }, "metadata watch failed; re-reading everything");
      this.resync().catch(() => {});
    });
  }

  private notify(): void {
    for (const listener of this.listeners) {
      try {
        listener(this.current);
      } catch (e) {
        this.logger.error({ err: e }, "metadata listener failed");
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    void this.resyncTask?.stop();
    await this.watcher?.cancel().catch(() => {});
  }
}
