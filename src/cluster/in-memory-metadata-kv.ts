/**
 * etcd's contract in one process, for tests and simulations that run brokers without an
 * etcd server: `InMemoryEtcd` is the store (keys with create and mod revisions, one
 * revision per write, compare-and-swap transactions, leases that expire on an injected
 * clock and take their keys with them, watches from any revision still in its history,
 * elections by etcd's recipe); each `InMemoryMetadataKv` is one client's connection to it
 * (a broker's), which a test can cut and restore to stand in for etcd unreachable from
 * that broker or paused.
 *
 * What it keeps of etcd's behaviour, because the control plane depends on it:
 * - linearizable: every call applies at one instant, in order, and is answered on a later
 *   microtask or after the connection's request delay (a caller never sees its answer
 *   synchronously, as with a network);
 * - a lease lives its TTL from its last answered keep-alive; a client keeps it alive every
 *   third of the TTL while connected, and tells its holder it is lost once the store
 *   dropped it, or (cut off) once a TTL passed without an answered keep-alive;
 * - a watch delivers every change under its prefix in revision order, from the revision
 *   asked for (older than the kept history: an error, as a compacted revision is); a cut
 *   connection reports a disconnect, misses what changes meanwhile, and reports a
 *   reconnect when restored (MetadataWatch then reads everything again);
 * - an election's candidates are keys `election/<name>/<lease id>` on their leases; the
 *   oldest leads, so a leader's key's create revision is a term no later leader repeats.
 */

import type { Clock, Timer } from "../common/clock.js";
import type {
  KvCampaign,
  KvCampaignHandlers,
  KvCompare,
  KvEntry,
  KvEvent,
  KvLease,
  KvOp,
  KvTxnResult,
  KvWatch,
  KvWatchHandlers,
  MetadataKv,
} from "./metadata-kv.js";

/** Changes kept for watches that start in the past; older ones are compacted away. */
export const IN_MEMORY_HISTORY_MAX = 100_000;

interface StoredKey {
  value: string;
  modRevision: number;
  createRevision: number;
  leaseId: string | null;
}

interface StoredLease {
  readonly ttlMs: number;
  expiresAtMs: number;
  readonly keys: Set<string>;
  timer: Timer | null;
  readonly lost: Set<() => void>;
}

interface Subscription {
  readonly prefix: string;
  readonly deliver: (events: readonly KvEvent[]) => void;
}

function entryOf(key: string, k: StoredKey): KvEntry {
  return { key, value: k.value, modRevision: k.modRevision, createRevision: k.createRevision };
}

/** The store: what an etcd cluster holds. */
export class InMemoryEtcd {
  private revision = 1;
  private readonly keys = new Map<string, StoredKey>();
  private readonly leases = new Map<string, StoredLease>();
  private nextLeaseId = 0x1000;
  private readonly history: KvEvent[] = [];
  private readonly subscriptions = new Set<Subscription>();

  constructor(readonly clock: Clock) {}

  /** A client connection (one per broker). */
  connect(): InMemoryMetadataKv {
    return new InMemoryMetadataKv(this);
  }

  get currentRevision(): number {
    return this.revision;
  }

  entries(prefix: string): KvEntry[] {
    return [...this.keys]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, k]) => entryOf(key, k));
  }

  entry(key: string): KvEntry | null {
    const k = this.keys.get(key);
    return k ? entryOf(key, k) : null;
  }

  txn(compares: readonly KvCompare[], ops: readonly KvOp[], elseGet?: string): KvTxnResult {
    // As MetadataStore: etcd3 builds a transaction from its first compare.
    if (compares.length === 0) throw new Error("a metadata transaction needs at least one compare");
    const holds = compares.every((c) => {
      const k = this.keys.get(c.key);
      return (k ? (c.target === "Create" ? k.createRevision : k.modRevision) : 0) === c.value;
    });
    if (!holds)
      return {
        succeeded: false,
        revision: this.revision,
        ...(elseGet === undefined ? {} : { elseEntry: this.entry(elseGet) }),
      };
    for (const op of ops)
      if (op.kind === "put" && op.leaseId !== undefined && !this.leases.has(op.leaseId)) {
        throw new Error(`etcdserver: requested lease not found (${op.leaseId})`);
      }
    if (ops.length === 0) return { succeeded: true, revision: this.revision };
    const revision = ++this.revision;
    const events: KvEvent[] = [];
    for (const op of ops) {
      if (op.kind === "put") events.push(this.put(op.key, op.value, op.leaseId ?? null, revision));
      else if (op.kind === "delete") events.push(...this.remove([op.key], revision));
      else
        events.push(
          ...this.remove(
            [...this.keys.keys()].filter((k) => k.startsWith(op.prefix)),
            revision,
          ),
        );
    }
    this.publish(events);
    return { succeeded: true, revision };
  }

  private put(key: string, value: string, leaseId: string | null, revision: number): KvEvent {
    const existing = this.keys.get(key);
    if (existing?.leaseId) this.leases.get(existing.leaseId)?.keys.delete(key);
    const createRevision = existing?.createRevision ?? revision;
    this.keys.set(key, { value, modRevision: revision, createRevision, leaseId });
    if (leaseId) this.leases.get(leaseId)?.keys.add(key);
    return { key, value, modRevision: revision, createRevision };
  }

  private remove(keys: readonly string[], revision: number): KvEvent[] {
    const events: KvEvent[] = [];
    for (const key of keys) {
      const k = this.keys.get(key);
      if (!k) continue;
      this.keys.delete(key);
      if (k.leaseId) this.leases.get(k.leaseId)?.keys.delete(key);
      events.push({ key, value: null, modRevision: revision, createRevision: k.createRevision });
    }
    return events;
  }

  private publish(events: readonly KvEvent[]): void {
    if (events.length === 0) return;
    this.history.push(...events);
    if (this.history.length > IN_MEMORY_HISTORY_MAX)
      this.history.splice(0, this.history.length - IN_MEMORY_HISTORY_MAX);
    for (const s of this.subscriptions) {
      const mine = events.filter((e) => e.key.startsWith(s.prefix));
      if (mine.length > 0) s.deliver(mine);
    }
  }

  /** Changes under `prefix` from `fromRevision` on, or null when that is older than the kept history. */
  since(prefix: string, fromRevision: number): KvEvent[] | null {
    const oldest = this.history[0]?.modRevision ?? this.revision + 1;
    if (fromRevision < oldest && this.history.length >= IN_MEMORY_HISTORY_MAX) return null;
    return this.history.filter((e) => e.modRevision >= fromRevision && e.key.startsWith(prefix));
  }

  subscribe(prefix: string, deliver: (events: readonly KvEvent[]) => void): () => void {
    const s: Subscription = { prefix, deliver };
    this.subscriptions.add(s);
    return () => this.subscriptions.delete(s);
  }

  grantLease(ttlMs: number): string {
    const id = (this.nextLeaseId++).toString(16);
    const lease: StoredLease = { ttlMs, expiresAtMs: 0, keys: new Set(), timer: null, lost: new Set() };
    this.leases.set(id, lease);
    this.keepAlive(id);
    return id;
  }

  /** Extends the lease a TTL from now; false when it is gone. */
  keepAlive(id: string): boolean {
    const lease = this.leases.get(id);
    if (!lease) return false;
    // etcd measures leases on its own monotonic clock: a stepped wall clock moves none.
    lease.expiresAtMs = this.clock.monotonicMs() + lease.ttlMs;
    lease.timer?.cancel();
    lease.timer = this.clock.after(
      lease.ttlMs,
      () => {
        if (this.clock.monotonicMs() >= lease.expiresAtMs) this.revokeLease(id);
      },
      { ref: false },
    );
    return true;
  }

  onLeaseLost(id: string, fn: () => void): void {
    this.leases.get(id)?.lost.add(fn);
  }

  revokeLease(id: string): void {
    const lease = this.leases.get(id);
    if (!lease) return;
    this.leases.delete(id);
    lease.timer?.cancel();
    if (lease.keys.size > 0) {
      const revision = ++this.revision;
      this.publish(this.remove([...lease.keys], revision));
    }
    for (const fn of lease.lost) fn();
  }
}

/** One client's connection to an InMemoryEtcd. */
export class InMemoryMetadataKv implements MetadataKv {
  private connected = true;
  private closed = false;
  /** How late this client's watches hear of a change (network lag between etcd and it). */
  private watchDelayMs = 0;
  /** How long each call takes to be answered (a round trip to etcd). */
  private requestDelayMs = 0;
  private readonly links = new Set<{ cut(): void; restore(): void }>();

  constructor(readonly etcd: InMemoryEtcd) {}

  /** Cuts this client off (etcd unreachable or paused from its side) or restores it. */
  setReachable(reachable: boolean): void {
    if (reachable === this.connected) return;
    this.connected = reachable;
    for (const link of [...this.links]) (reachable ? link.restore : link.cut)();
  }

  /** Makes each call of this client take `ms` on the store's clock (applied when answered). */
  setRequestDelay(ms: number): void {
    this.requestDelayMs = Math.max(0, ms);
  }

  /** Makes this client's watches hear of every change `ms` later (in order), from now on. */
  setWatchDelay(ms: number): void {
    this.watchDelayMs = Math.max(0, ms);
  }

  get reachable(): boolean {
    return this.connected && !this.closed;
  }

  /** Answers on a later microtask, or after the request delay, as over a network; throws when cut off. */
  private async call<T>(fn: () => T): Promise<T> {
    if (this.requestDelayMs > 0)
      await new Promise<void>((resolve) => this.etcd.clock.after(this.requestDelayMs, resolve, { ref: false }));
    else await Promise.resolve();
    if (!this.reachable) throw new Error("etcd unreachable (in-memory store cut off)");
    return fn();
  }

  getAll(prefix: string): Promise<{ entries: KvEntry[]; revision: number }> {
    return this.call(() => ({ entries: this.etcd.entries(prefix), revision: this.etcd.currentRevision }));
  }

  get(key: string): Promise<KvEntry | null> {
    return this.call(() => this.etcd.entry(key));
  }

  txn(compares: readonly KvCompare[], ops: readonly KvOp[], elseGet?: string): Promise<KvTxnResult> {
    return this.call(() => this.etcd.txn(compares, ops, elseGet));
  }

  lease(ttlSeconds: number): KvLease {
    return new InMemoryLease(this, ttlSeconds * 1000);
  }

  /** Follows this connection's cuts (its watches do). */
  private link(link: { cut(): void; restore(): void }): () => void {
    this.links.add(link);
    return () => this.links.delete(link);
  }

  async watch(prefix: string, fromRevision: number, handlers: KvWatchHandlers): Promise<KvWatch> {
    await this.call(() => {});
    let live = true;
    let connected = true;
    const deliver = (events: readonly KvEvent[]) => {
      if (!live || !connected) return;
      const hand = () => live && connected && handlers.onEvents(events);
      if (this.watchDelayMs > 0) this.etcd.clock.after(this.watchDelayMs, hand, { ref: false });
      else queueMicrotask(hand);
    };
    const past = this.etcd.since(prefix, fromRevision);
    if (past === null) {
      queueMicrotask(() => handlers.onError(new Error(`mvcc: required revision ${fromRevision} has been compacted`)));
      return { cancel: async () => {} };
    }
    if (past.length > 0) deliver(past);
    const unsubscribe = this.etcd.subscribe(prefix, deliver);
    const unlink = this.link({
      cut: () => {
        connected = false;
        queueMicrotask(() => live && handlers.onDisconnected());
      },
      restore: () => {
        connected = true;
        queueMicrotask(() => live && handlers.onConnected());
      },
    });
    return {
      cancel: async () => {
        live = false;
        unsubscribe();
        unlink();
      },
    };
  }

  campaign(election: string, ttlSeconds: number, value: string, handlers: KvCampaignHandlers): KvCampaign {
    const lease = this.lease(ttlSeconds);
    const prefix = `election/${election}/`;
    let key: string | null = null;
    let over = false;
    let elected = false;
    let unsubscribe = () => {};
    const end = (err: Error | null) => {
      if (over) return;
      over = true;
      unsubscribe();
      if (err) handlers.onError(err);
    };
    const check = () => {
      if (over || elected || key === null) return;
      const oldest = this.etcd.entries(prefix).sort((a, b) => a.createRevision - b.createRevision)[0];
      if (oldest?.key !== key) return;
      elected = true;
      queueMicrotask(() => !over && handlers.onElected());
    };
    lease.onLost((err) => end(err));
    const keyReady = (async () => {
      const leaseId = await lease.grant();
      const k = `${prefix}${leaseId}`;
      const res = await this.txn([{ key: k, target: "Create", value: 0 }], [{ kind: "put", key: k, value, leaseId }]);
      if (!res.succeeded) throw new Error(`election key ${k} exists`);
      key = k;
      // Leadership moves only when an older candidate's key goes: any change under the
      // election is reason enough to look again.
      unsubscribe = this.etcd.subscribe(prefix, () => check());
      check();
      return k;
    })();
    keyReady.catch((e: unknown) => {
      lease.release();
      end(e instanceof Error ? e : new Error(String(e)));
    });
    return {
      key: () => keyReady,
      resign: async () => {
        end(null);
        const k = key;
        if (k)
          await this.txn(
            [{ key: k, target: "Create", value: this.etcd.entry(k)?.createRevision ?? -1 }],
            [{ kind: "delete", key: k }],
          ).catch(() => {});
        await lease.revoke().catch(() => lease.release());
      },
    };
  }

  close(): void {
    this.setReachable(false);
    this.closed = true;
  }
}

/** A lease kept alive by its client's timer while the client is connected (etcd3's autoKeepAlive). */
class InMemoryLease implements KvLease {
  private id: string | null = null;
  private granting: Promise<string> | null = null;
  private timer: Timer | null = null;
  private lastAnsweredMs = 0;
  private ended = false;
  private readonly sent = new Set<() => void>();
  private readonly answered = new Set<() => void>();
  private readonly lost = new Set<(err: Error) => void>();

  constructor(
    private readonly kv: InMemoryMetadataKv,
    private readonly ttlMs: number,
  ) {}

  grant(): Promise<string> {
    this.granting ??= (async () => {
      await Promise.resolve();
      if (!this.kv.reachable) throw new Error("etcd unreachable (in-memory store cut off)");
      const id = this.kv.etcd.grantLease(this.ttlMs);
      this.id = id;
      this.lastAnsweredMs = this.kv.etcd.clock.monotonicMs();
      this.kv.etcd.onLeaseLost(id, () => this.lose(new Error(`lease ${id} expired or was revoked`)));
      this.schedule();
      return id;
    })();
    return this.granting;
  }

  private schedule(): void {
    if (this.ended) return;
    this.timer = this.kv.etcd.clock.after(Math.max(1, Math.floor(this.ttlMs / 3)), () => this.keepAlive(), {
      ref: false,
    });
  }

  private keepAlive(): void {
    if (this.ended || this.id === null) return;
    const sentMs = this.kv.etcd.clock.monotonicMs();
    for (const fn of this.sent) fn();
    if (this.kv.reachable) {
      if (!this.kv.etcd.keepAlive(this.id)) return; // gone: the store's lost callback tells
      this.lastAnsweredMs = sentMs;
      queueMicrotask(() => {
        if (!this.ended) for (const fn of this.answered) fn();
      });
    } else if (sentMs - this.lastAnsweredMs >= this.ttlMs) {
      this.lose(new Error(`lease ${this.id}: no keep-alive answered for its TTL`));
      return;
    }
    this.schedule();
  }

  private lose(err: Error): void {
    if (this.ended) return;
    this.stop();
    for (const fn of this.lost) fn(err);
  }

  private stop(): void {
    this.ended = true;
    this.timer?.cancel();
  }

  async revoke(): Promise<void> {
    this.stop();
    if (this.id === null) return;
    await Promise.resolve();
    if (!this.kv.reachable) throw new Error("etcd unreachable (in-memory store cut off)");
    this.kv.etcd.revokeLease(this.id);
  }

  release(): void {
    this.stop();
  }

  onKeepaliveSent(fn: () => void): void {
    this.sent.add(fn);
  }

  onKeepaliveAnswered(fn: () => void): void {
    this.answered.add(fn);
  }

  onLost(fn: (err: Error) => void): void {
    this.lost.add(fn);
  }
}
