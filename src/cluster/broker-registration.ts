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
 */
import { TidelogError } from "@tidelog/client/record";
import type { Lease } from "etcd3";
import type { Clock } from "../common/clock.js";
import type { Logger } from "../common/logger.js";
import { type BrokerRecord, keys } from "./metadata-records.js";
import { type MetadataStore, unavailableOnError } from "./metadata-store.js";

export interface BrokerRegistrationOptions {
  readonly store: MetadataStore;
  readonly record: BrokerRecord;
  readonly sessionTimeoutMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called when the lease is lost (the broker is fenced until it registers again). */
  readonly onLost: () => void;
  readonly onRegistered: () => void;
}

export class BrokerRegistration {
  private lease: Lease | null = null;
  private lastKeepAliveMs = Number.NEGATIVE_INFINITY;
  private registered = false;
  private stopped = false;
  /** The create revision of our key: the broker epoch, as in KRaft. */
  private epoch = -1;

  constructor(private readonly options: BrokerRegistrationOptions) {}

  get brokerEpoch(): number {
    return this.epoch;
  }

  get ttlSeconds(): number {
    return Math.max(1, Math.ceil(this.options.sessionTimeoutMs / 1000));
  }

  /** True when etcd may no longer list this broker: stop leading until re-registered. */
  isFenced(): boolean {
    if (!this.registered) return true;
    return this.options.clock.nowMs() - this.lastKeepAliveMs > this.options.sessionTimeoutMs;
  }

  /**
   * Registers, retrying while etcd is unreachable or a previous registration holds the
   * key, up to `deadlineMs`.
   */
  async register(deadlineMs: number): Promise<void> {
    const { store, record, logger, clock } = this.options;
    const key = keys.broker(record.id);
    const until = clock.nowMs() + deadlineMs;
    let attempt = 0;
    for (;;) {
      attempt++;
      const lease = store.ns.lease(this.ttlSeconds, { autoKeepAlive: true });
      try {
        const leaseId = await unavailableOnError("grant lease", () => lease.grant());
        const txn = await unavailableOnError("register", () =>
          store.ns
            .if(key, "Create", "==", 0)
            .then(store.ns.put(key).value(JSON.stringify(record)).lease(leaseId))
            .commit(),
        );
        if (txn.succeeded) {
          this.adopt(lease, Number(txn.header.revision));
          logger.info({ brokerEpoch: this.epoch, attempt }, "registered in etcd");
          return;
        }
        await lease.revoke().catch(() => {});
        if (clock.nowMs() > until) {
          throw new TidelogError(
            "INVALID_CONFIG",
            `broker.id ${record.id} is still registered by another process after ${deadlineMs} ms; is another broker using the same id?`,
          );
        }
        if (attempt === 1) logger.warn({ key }, "waiting for the previous registration of this broker id to expire");
      } catch (e) {
        lease.release();
        if (e instanceof TidelogError && e.code === "INVALID_CONFIG") throw e;
        if (clock.nowMs() > until) throw e;
        logger.warn({ err: (e as Error).message }, "registration failed; retrying");
      }
      await delay(Math.min(1000, 100 * attempt));
      if (this.stopped) throw new TidelogError("BROKER_NOT_AVAILABLE", "broker is shutting down");
    }
  }

  private adopt(lease: Lease, revision: number): void {
    this.lease = lease;
    this.epoch = revision;
    this.registered = true;
    this.lastKeepAliveMs = this.options.clock.nowMs();
    lease.on("keepaliveSucceeded", () => {
      this.lastKeepAliveMs = this.options.clock.nowMs();
    });
    lease.on("lost", (err) => {
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

  /** Removes the registration at once (graceful shutdown), so leaders move without waiting for the TTL. */
  async deregister(): Promise<void> {
    this.stopped = true;
    this.registered = false;
    const lease = this.lease;
    this.lease = null;
    if (lease) await lease.revoke().catch(() => lease.release());
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
