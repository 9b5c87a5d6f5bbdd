/**
 * The metadata store as the control plane uses it: a linearizable key-value store with
 * revisions, compare-and-swap transactions, leases, watches from a revision and leader
 * elections, which is what etcd offers and all tidelog asks of it. Keys are relative to
 * the cluster's namespace.
 *
 * One seam, two implementations: `MetadataStore` (metadata-store.ts) speaks to a real
 * etcd cluster through etcd3; `InMemoryMetadataKv` (in-memory-metadata-kv.ts) keeps the
 * same contract in one process on an injected clock, so brokers can run in a simulation
 * without etcd. `test/cluster/metadata-kv.test.ts` holds both to the same tests.
 *
 * Failure model: a call may fail (etcd unreachable): it then throws, and the callers wrap
 * it as METADATA_UNAVAILABLE. A watch reports a disconnect and a reconnect; what happened
 * meanwhile is found by reading everything again (MetadataWatch does).
 */

/** A key as the store holds it. */
export interface KvEntry {
  readonly key: string;
  readonly value: string;
  /** The revision of the key's last change. */
  readonly modRevision: number;
  /** The revision that created the key (it restarts when the key is deleted and put again). */
  readonly createRevision: number;
}

/** A condition of a transaction: the key's create or mod revision equals `value` (0: absent). */
export interface KvCompare {
  readonly key: string;
  readonly target: "Create" | "Mod";
  readonly value: number;
}

/** A write of a transaction. A put bound to a lease is deleted when the lease ends. */
export type KvOp =
  | { readonly kind: "put"; readonly key: string; readonly value: string; readonly leaseId?: string }
  | { readonly kind: "delete"; readonly key: string }
  | { readonly kind: "deletePrefix"; readonly prefix: string };

export interface KvTxnResult {
  readonly succeeded: boolean;
  /** The store's revision after the transaction (its own writes' revision when it wrote). */
  readonly revision: number;
  /** When the transaction failed and asked for it: `elseGet`'s entry, null when absent. */
  readonly elseEntry?: KvEntry | null;
}

/** One change a watch reports: a put (value) or a delete (value null). */
export interface KvEvent {
  readonly key: string;
  readonly value: string | null;
  readonly modRevision: number;
  readonly createRevision: number;
}

export interface KvWatchHandlers {
  /** Changes in revision order; one call per store revision or batch of them. */
  readonly onEvents: (events: readonly KvEvent[]) => void;
  /** The watch lost the store: events may be missed until `onConnected`. */
  readonly onDisconnected: () => void;
  readonly onConnected: () => void;
  /** The watch ended for good (e.g. the revision was compacted away): read everything again. */
  readonly onError: (err: Error) => void;
}

export interface KvWatch {
  cancel(): Promise<void>;
}

/**
 * A lease kept alive automatically (a keep-alive every third of its TTL) until revoked or
 * lost; keys put with its id go when it ends.
 */
export interface KvLease {
  /** Grants the lease at the store (once; later calls return the same id). */
  grant(): Promise<string>;
  /** Ends it at the store: its keys are deleted now. */
  revoke(): Promise<void>;
  /** Stops keeping it alive without asking the store (it then expires by its TTL). */
  release(): void;
  /** A keep-alive was sent. */
  onKeepaliveSent(fn: () => void): void;
  /** A keep-alive was answered: the lease lives at least a TTL from when it was sent. */
  onKeepaliveAnswered(fn: () => void): void;
  /** The lease is gone at the store (expired, revoked elsewhere): its keys are deleted. */
  onLost(fn: (err: Error) => void): void;
}

export interface KvCampaignHandlers {
  /** This candidate leads: its key is the oldest of the election's. */
  readonly onElected: () => void;
  /** The campaign failed or its lease was lost: it no longer leads, if it did. */
  readonly onError: (err: Error) => void;
}

/** A candidacy in an election (etcd's recipe: the oldest key under the election leads). */
export interface KvCampaign {
  /** The candidate's key; its create revision is a term number no later leader repeats. */
  key(): Promise<string>;
  /** Withdraws: deletes the key (the next candidate leads) and ends the lease. */
  resign(): Promise<void>;
}

export interface MetadataKv {
  /** Every key under `prefix` at one revision, and that revision. */
  getAll(prefix: string, timeoutMs?: number): Promise<{ entries: KvEntry[]; revision: number }>;
  get(key: string): Promise<KvEntry | null>;
  /** Applies `ops` atomically if every compare holds; else reads `elseGet`, if given. */
  txn(compares: readonly KvCompare[], ops: readonly KvOp[], elseGet?: string): Promise<KvTxnResult>;
  lease(ttlSeconds: number): KvLease;
  /** Reports every change under `prefix` from `fromRevision` on, until cancelled. */
  watch(prefix: string, fromRevision: number, handlers: KvWatchHandlers): Promise<KvWatch>;
  /** Campaigns in `election` with `value`, on a lease of `ttlSeconds`. */
  campaign(election: string, ttlSeconds: number, value: string, handlers: KvCampaignHandlers): KvCampaign;
  close(): void;
}
