/**
 * A broker's presence in the cluster: `brokers/<id>` in etcd, bound to a lease the
 * broker keeps alive. When the broker dies (or is paused past the lease TTL), etcd
 * deletes the key and the controller moves its leaderships away.
 *
 * Fencing on our side: a broker that has not had a keep-alive acknowledged within the
 * TTL may already be gone from etcd's view, so `isFenced` turns true and the broker stops
 * acting as a leader until it has registered again and its metadata is re-read. This is
 * what keeps a resumed SIGSTOP'd leader from accepting writes for an old epoch.
 *
 * A restarted broker may find its previous incarnation's key still alive (kill -9, then
 * restart within the TTL): registration waits for that key to expire rather than take
 * over a lease it cannot prove dead. A live broker with the same id is indistinguishable
 * from that and is likewise waited out, then reported as a configuration error.
 *
 * The record can change while registered (`setStorageFailed`): the new value is put on
 * the same lease, guarded by the key's create revision, so the broker epoch stays and a
 * key some later registration created is never overwritten. A put that fails is retried
 * while registered; a registration after a lost lease writes the latest record anyway.
 */
import { TidelogError } from "@tidelog/client/record";
import { type Clock, sleep } from "../common/clock.js";
import type { Logger } from "../common/logger.js";
import type { KvLease, MetadataKv } from "./metadata-kv.js";
import { type BrokerRecord, keys } from "./metadata-records.js";
import { unavailableOnError } from "./metadata-store.js";

export interface BrokerRegistrationOptions {
  readonly store: MetadataKv;
  readonly record: BrokerRecord;
  readonly sessionTimeoutMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called when the lease is lost (the broker is fenced until it registers again). */
  readonly onLost: () => void;
  readonly onRegistered: () => void;
}

export class BrokerRegistration {
  private lease: KvLease | null = null;
  private lastKeepAliveMs = Number.NEGATIVE_INFINITY;
  private registered = false;
  private stopped = false;
  /** The create revision of our key: the broker epoch, as in KRaft. */
  private epoch = -1;
  /** What the key should hold; `options.record` plus changes since. */
  private record: BrokerRecord;
  /** The record as last written to etcd (JSON), to tell whether an update is due. */
  private written: string | null = null;
  private updating = false;

  constructor(private readonly options: BrokerRegistrationOptions) {
    this.record = options.record;
  }

  get brokerEpoch(): number {
    return this.epoch;
  }

  /** This process's incarnation (BrokerRecord.incarnation); -1 before its first registration. */
  get incarnation(): number {
    return this.record.incarnation ?? -1;
  }

  get ttlSeconds(): number {
    return Math.max(1, Math.ceil(this.options.sessionTimeoutMs / 1000));
  }

  /** True when etcd may no longer list this broker: stop leading until re-registered. */
  isFenced(): boolean {
    if (!this.registered) return true;
    // Measured on the monotonic clock: a wall clock stepped forward and back would leave
    // the last keepalive "in the future" and the broker live however long it was away.
    return this.options.clock.monotonicMs() - this.lastKeepAliveMs > this.options.sessionTimeoutMs;
  }

  /**
   * Registers, retrying while etcd is unreachable or a previous registration holds the
   * key, up to `deadlineMs`.
   */
  async register(deadlineMs: number): Promise<void> {
    const { store, logger, clock } = this.options;
    const key = keys.broker(this.options.record.id);
    const until = clock.nowMs() + deadlineMs;
    let attempt = 0;
    for (;;) {
      attempt++;
      const lease = store.lease(this.ttlSeconds);
      try {
        const leaseId = await unavailableOnError("grant lease", () => lease.grant());
        const value = JSON.stringify(this.record);
        const txn = await unavailableOnError("register", () =>
          store.txn([{ key, target: "Create", value: 0 }], [{ kind: "put", key, value, leaseId }]),
        );
        if (txn.succeeded) {
          this.written = value;
          this.adopt(lease, txn.revision);
          // The first registration's epoch names this process for good (see BrokerRecord.incarnation).
          if (this.record.incarnation === undefined) this.record = { ...this.record, incarnation: this.epoch };
          logger.info({ brokerEpoch: this.epoch, incarnation: this.record.incarnation, attempt }, "registered in etcd");
          // The record may have changed while the registration was in flight.
          this.update();
          return;
        }
        await lease.revoke().catch(() => {});
        if (clock.nowMs() > until) {
          throw new TidelogError(
            "INVALID_CONFIG",
            `broker.id ${this.options.record.id} is still registered by another process after ${deadlineMs} ms; is another broker using the same id?`,
          );
        }
        if (attempt === 1) logger.warn({ key }, "waiting for the previous registration of this broker id to expire");
      } catch (e) {
        lease.release();
        if (e instanceof TidelogError && e.code === "INVALID_CONFIG") throw e;
        if (clock.nowMs() > until) throw e;
        logger.warn({ err: (e as Error).message }, "registration failed; retrying");
      }
      await sleep(clock, Math.min(1000, 100 * attempt));
      if (this.stopped) throw new TidelogError("BROKER_NOT_AVAILABLE", "broker is shutting down");
    }
  }

  private adopt(lease: KvLease, revision: number): void {
    this.lease = lease;
    this.epoch = revision;
    this.registered = true;
    this.lastKeepAliveMs = this.options.clock.monotonicMs();
    // The session is known alive from when the keepalive was sent, not when its answer
    // arrived: an answer that waited (a paused process reading it late) must not extend it.
    let firedMs = this.lastKeepAliveMs;
    lease.onKeepaliveSent(() => {
      firedMs = this.options.clock.monotonicMs();
    });
    lease.onKeepaliveAnswered(() => {
      this.lastKeepAliveMs = Math.max(this.lastKeepAliveMs, firedMs);
    });
    lease.onLost((err) => {
      if (this.lease !== lease || this.stopped) return;
      this.registered = false;
      this.options.logger.warn({ err: err.message }, "lost the etcd lease; fenced until registered again");
      this.options.onLost();
      this.reregister();
    });
    this.options.onRegistered();
  }

  private reregister(): void {
    this.register(Number.MAX_SAFE_INTEGER).catch((e: unknown) => {
      if (!this.stopped) this.options.logger.error({ err: e }, "could not register again");
    });
  }

  /**
   * Publishes whether this broker can write its log directory (`storageFailed` in its
   * record). Returns at once; the put happens in the background, retried while it fails.
   */
  setStorageFailed(failed: boolean): void {
    if ((this.record.storageFailed ?? false) === failed) return;
    this.record = { ...this.record, storageFailed: failed };
    this.options.logger.info({ storageFailed: failed }, "updating the registration");
    this.update();
  }

  /**
   * Publishes that this broker is shutting down (`controlledShutdown`), so the controller
   * moves its leaderships away; in the background, like setStorageFailed. False when
   * there is no registration to update (then there is nothing to move either).
   */
  setControlledShutdown(): boolean {
    if (this.isFenced()) return false;
    if (this.record.controlledShutdown === true) return true;
    this.record = { ...this.record, controlledShutdown: true };
    this.options.logger.info("updating the registration: controlled shutdown");
    this.update();
    return true;
  }

  /** Writes `record` over our key when it differs from what was written; one put at a time. */
  private update(): void {
    if (this.updating || this.stopped) return;
    const lease = this.lease;
    const value = JSON.stringify(this.record);
    if (!this.registered || !lease || value === this.written) return;
    this.updating = true;
    const { store } = this.options;
    const key = keys.broker(this.options.record.id);
    const epoch = this.epoch;
    void unavailableOnError("update registration", async () => {
      const leaseId = await lease.grant();
      return store.txn([{ key, target: "Create", value: epoch }], [{ kind: "put", key, value, leaseId }]);
    })
      .then((txn) => {
        // Not ours any more: the lease was lost, and registering again writes the record.
        if (txn.succeeded && this.lease === lease) this.written = value;
        return txn.succeeded;
      })
      .catch((e: unknown) => {
        this.options.logger.warn({ err: (e as Error).message }, "updating the registration failed; retrying");
        return false;
      })
      .then(async (ok) => {
        if (!ok) await sleep(this.options.clock, UPDATE_RETRY_MS);
        this.updating = false;
        this.update();
      });
  }

  /** Removes the registration at once (graceful shutdown), so leaders move without waiting for the TTL. */
  async deregister(): Promise<void> {
    this.stopped = true;
    this.registered = false;
    const lease = this.lease;
    this.lease = null;
    if (lease) await lease.revoke().catch(() => lease.release());
  }
}

/** Wait before retrying a failed record update. */
const UPDATE_RETRY_MS = 500;
