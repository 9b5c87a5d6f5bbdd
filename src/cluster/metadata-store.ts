/**
 * tidelog's door to etcd: `MetadataStore`, the MetadataKv seam (metadata-kv.ts) on one
 * etcd3 client and one namespace (`/tidelog/<cluster-id>/`); and `MetadataWatch`, which
 * keeps a MetadataImage current over any MetadataKv (etcd, or the in-memory store).
 *
 * Failure model: etcd may be unreachable for a while. Reads and writes then fail with
 * METADATA_UNAVAILABLE (retriable) instead of hanging: every call has a deadline. The
 * watch marks itself stale on a disconnect and, once connected again, replaces its image
 * with a full read (level-triggered: a missed event can never leave a broker behind),
 * and it re-reads everything on a timer as a last safety net.
 */

import { TidelogError } from "@tidelog/client/record";
import { ExponentialBackoff, type IBackoff, noop } from "cockatiel";
import { Etcd3, type IKeyValue, type IOperation, type Lease, type Namespace, Range } from "etcd3";
import { type Clock, type Timer, wallClockDeadline } from "../common/clock.js";
import type { Logger } from "../common/logger.js";
import { PeriodicTask } from "../common/periodic-task.js";
import { MetadataImage } from "./metadata-image.js";
import type {
  KvCampaign,
  KvCampaignHandlers,
  KvCompare,
  KvEntry,
  KvLease,
  KvOp,
  KvTxnResult,
  KvWatch,
  KvWatchHandlers,
  MetadataKv,
} from "./metadata-kv.js";

/** After a resync that left no watch (etcd cut off mid-way), the next try comes this soon. */
const WATCH_RETRY_MS = 1_000;

/** Keys per page of a full metadata read (about 250 bytes each: well under gRPC's 4 MiB message limit). */
export const METADATA_READ_PAGE_KEYS = 2000;

export interface MetadataStoreOptions {
  readonly endpoints: readonly string[];
  readonly clusterId: string;
  readonly logger: Logger;
  /** Deadline of every unary etcd call. */
  readonly requestTimeoutMs: number;
  /** TLS to etcd (https:// endpoints): a CA to trust and a client certificate, PEM contents. */
  readonly tls?: { readonly ca?: Buffer; readonly cert?: Buffer; readonly key?: Buffer };
  /** etcd's user/password authentication. */
  readonly auth?: { readonly username: string; readonly password: string };
}

/** The metadata store on a real etcd cluster (the MetadataKv seam's production side). */
export class MetadataStore implements MetadataKv {
  private readonly client: Etcd3;
  private readonly ns: Namespace;
  private readonly prefix: string;

  constructor(readonly options: MetadataStoreOptions) {
    const { tls, auth } = options;
    this.client = new Etcd3({
      hosts: [...options.endpoints],
      dialTimeout: options.requestTimeoutMs,
      // etcd3 types the CA as required, but grpc-js takes the system's CAs without one.
      ...(tls ? { credentials: { rootCertificate: tls.ca as Buffer, privateKey: tls.key, certChain: tls.cert } } : {}),
      ...(auth ? { auth: { username: auth.username, password: auth.password } } : {}),
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
    this.prefix = `/tidelog/${options.clusterId}/`;
    this.ns = this.client.namespace(this.prefix);
  }

  /**
   * Every key under `prefix` at one revision, read in pages of METADATA_READ_PAGE_KEYS
   * keys (each page at the first page's revision): at 30,000 partitions one answer was
   * 7 MB, past gRPC's 4 MiB message limit, and a restarted broker could not start.
   */
  async getAll(
    prefix: string,
    timeoutMs = this.options.requestTimeoutMs,
  ): Promise<{ entries: KvEntry[]; revision: number }> {
    const whole = Range.prefix(prefix);
    const entries: KvEntry[] = [];
    let revision: number | null = null;
    let start: Buffer = whole.start;
    for (;;) {
      const page = this.ns
        .getAll()
        .inRange(new Range(start, whole.end))
        .limit(METADATA_READ_PAGE_KEYS)
        .options({ deadline: wallClockDeadline(timeoutMs) });
      if (revision !== null) page.revision(revision);
      const res = await page.exec();
      revision ??= Number(res.header.revision);
      for (const kv of res.kvs) entries.push(this.entryOf(kv));
      const last = res.kvs.at(-1);
      if (!res.more || !last) return { entries, revision };
      // The next key after the last one read: itself with a zero byte appended.
      start = Buffer.concat([Buffer.from(this.relative(last.key.toString())), Buffer.from([0])]);
    }
  }

  async get(key: string): Promise<KvEntry | null> {
    const res = await this.ns.get(key).exec();
    const kv = res.kvs[0];
    return kv ? this.entryOf(kv) : null;
  }

  async txn(compares: readonly KvCompare[], ops: readonly KvOp[], elseGet?: string): Promise<KvTxnResult> {
    const [first, ...rest] = compares;
    // etcd3 builds a transaction from its first compare; tidelog always has one.
    if (!first) throw new Error("a metadata transaction needs at least one compare");
    const txn = this.ns.if(first.key, first.target, "==", first.value);
    for (const c of rest) txn.and(c.key, c.target, "==", c.value);
    txn.then(...ops.map((op) => this.operation(op)));
    if (elseGet !== undefined) txn.else(this.ns.get(elseGet));
    const res = await txn.commit();
    const result = { succeeded: res.succeeded, revision: Number(res.header.revision) };
    if (res.succeeded || elseGet === undefined) return result;
    const kv = res.responses[0]?.response_range?.kvs[0];
    return { ...result, elseEntry: kv ? this.entryOf(kv) : null };
  }

  private operation(op: KvOp): IOperation {
    switch (op.kind) {
      case "put": {
        const put = this.ns.put(op.key).value(op.value);
        return op.leaseId === undefined ? put : put.lease(op.leaseId);
      }
      case "delete":
        return this.ns.delete().key(op.key);
      case "deletePrefix":
        return this.ns.delete().prefix(op.prefix);
    }
  }

  lease(ttlSeconds: number): KvLease {
    return new EtcdLease(this.ns.lease(ttlSeconds, { autoKeepAlive: true }));
  }

  async watch(prefix: string, fromRevision: number, handlers: KvWatchHandlers): Promise<KvWatch> {
    const watcher = await this.ns.watch().prefix(prefix).startRevision(String(fromRevision)).create();
    watcher.on("data", (res) => {
      if (res.events.length === 0) return;
      handlers.onEvents(
        res.events.map((ev) => ({
          key: this.relative(ev.kv.key.toString()),
          value: ev.type === "Delete" ? null : ev.kv.value.toString(),
          modRevision: Number(ev.kv.mod_revision),
          createRevision: Number(ev.kv.create_revision),
        })),
      );
    });
    watcher.on("disconnected", () => handlers.onDisconnected());
    watcher.on("connected", () => handlers.onConnected());
    watcher.on("error", (err) => handlers.onError(err));
    return { cancel: () => watcher.cancel() };
  }

  campaign(election: string, ttlSeconds: number, value: string, handlers: KvCampaignHandlers): KvCampaign {
    const campaign = this.ns.election(election, ttlSeconds).campaign(value);
    campaign.on("elected", () => handlers.onElected());
    campaign.on("error", (err: Error) => handlers.onError(err));
    return {
      // etcd3 names the key in full; the seam's keys are relative to the namespace.
      key: async () => (await campaign.getCampaignKey()).slice(this.prefix.length),
      resign: () => campaign.resign(),
    };
  }

  close(): void {
    this.client.close();
  }

  /** etcd3 strips the namespace from some answers (ranges) and not from others (a get, a txn's reads). */
  private relative(key: string): string {
    return key.startsWith(this.prefix) ? key.slice(this.prefix.length) : key;
  }

  private entryOf(kv: IKeyValue): KvEntry {
    return {
      key: this.relative(kv.key.toString()),
      value: kv.value.toString(),
      modRevision: Number(kv.mod_revision),
      createRevision: Number(kv.create_revision),
    };
  }
}

class EtcdLease implements KvLease {
  constructor(private readonly lease: Lease) {}

  grant(): Promise<string> {
    return this.lease.grant();
  }

  revoke(): Promise<void> {
    return this.lease.revoke();
  }

  release(): void {
    this.lease.release();
  }

  onKeepaliveSent(fn: () => void): void {
    this.lease.on("keepaliveFired", fn);
  }

  onKeepaliveAnswered(fn: () => void): void {
    this.lease.on("keepaliveSucceeded", fn);
  }

  onLost(fn: (err: Error) => void): void {
    this.lease.on("lost", fn);
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
  /** A resync retried soon after one that left no watch; null when none is due. */
  private retry: Timer | null = null;
  private readonly listeners: ((image: MetadataImage) => void)[] = [];

  constructor(
    private readonly store: MetadataKv,
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
      const { entries, revision } = await unavailableOnError("read metadata", () => this.store.getAll("", timeoutMs));
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
    this.resyncing = this.doResync()
      .catch((e: unknown) => {
        // Without a watch nothing calls back when etcd answers again (no onConnected):
        // try again soon rather than at the safety-net interval, minutes away.
        if (this.watcher === null) this.retrySoon();
        throw e;
      })
      .finally(() => {
        this.resyncing = null;
      });
    return this.resyncing;
  }

  private retrySoon(): void {
    if (this.closed || this.retry !== null) return;
    this.retry = this.options.clock.after(
      WATCH_RETRY_MS,
      () => {
        this.retry = null;
        this.resync().catch(() => {});
      },
      { ref: false },
    );
  }

  private async doResync(): Promise<void> {
    if (this.closed) return;
    const { entries, revision } = await unavailableOnError("read metadata", () => this.store.getAll(""));
    const image = MetadataImage.fromEntries(entries, revision, this.logger);
    await this.watcher?.cancel().catch(() => {});
    this.watcher = null;
    this.current = image;
    this.stale = false;
    this.notify();
    try {
      await this.watchFrom(revision + 1);
    } catch (e) {
      // The read succeeded but the watch did not start (etcd cut off in between): this
      // image would never hear of a later change while claiming to be in sync. The
      // whole-broker simulation found a leader that did so after a cut from etcd, and
      // refused its followers' fetches as stale until the next safety-net resync. (The
      // in-memory store fails such a call at once; etcd3's watch waits for the
      // connection instead, but may still fail, e.g. on a compacted revision.)
      this.stale = true;
      throw e;
    }
  }

  private async watchFrom(revision: number): Promise<void> {
    let watcher: KvWatch | null = null;
    watcher = await this.store.watch("", revision, {
      onEvents: (events) => {
        if (this.watcher !== watcher || this.stale) return;
        for (const ev of events) this.current.apply(ev);
        this.notify();
      },
      onDisconnected: () => {
        if (this.watcher !== watcher) return;
        this.stale = true;
        this.logger.warn("metadata watch disconnected from etcd; serving the last known metadata");
      },
      onConnected: () => {
        if (this.watcher === watcher && this.stale) this.resync().catch(() => {});
      },
      onError: (err) => {
        if (this.watcher !== watcher) return;
        this.stale = true;
        this.logger.warn({ err: err.message }, "metadata watch failed; re-reading everything");
        this.resync().catch(() => {});
      },
    });
    if (this.closed) {
      await watcher.cancel();
      return;
    }
    this.watcher = watcher;
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
    this.retry?.cancel();
    void this.resyncTask?.stop();
    await this.watcher?.cancel().catch(() => {});
  }
}
