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
import { Etcd3, type Namespace } from "etcd3";
import type { Logger } from "../common/logger.js";
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
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + options.requestTimeoutMs }),
    });
    this.ns = this.client.namespace(`/tidelog/${options.clusterId}/`);
  }

  /** Every metadata key at one revision. */
  async readAll(): Promise<{ entries: MetadataEntry[]; revision: number }> {
    const res = await unavailableOnError("read metadata", () => this.ns.getAll().prefix("").exec());
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
  private timer: NodeJS.Timeout | null = null;
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

  onChange(listener: (image: MetadataImage) => void): void {
    this.listeners.push(listener);
  }

  /** Reads everything and starts watching; retries in the background if etcd is down. */
  async start(): Promise<void> {
    await this.resync();
    this.timer = setInterval(() => {
      this.resync().catch(() => {});
    }, this.options.resyncIntervalMs);
    this.timer.unref();
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
    if (this.timer) clearInterval(this.timer);
    await this.watcher?.cancel().catch(() => {});
  }
}
