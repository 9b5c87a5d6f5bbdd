/**
 * Whether this broker may act as a leader right now. Fenced from start until it has
 * registered in etcd and reconciled its replicas with the metadata read after
 * registering, and again from a lost lease until the same: a broker that etcd may have
 * dropped must not act as any partition's leader (see broker-registration.ts). The
 * replica manager, the fetchers and the readiness probe all read it from here.
 */
import { BrokerRegistration, type BrokerRegistrationOptions } from "../cluster/broker-registration.js";
import type { LogDirHealth } from "../storage/log-dir-health.js";

export interface SessionRegistrationOptions extends Omit<BrokerRegistrationOptions, "onLost" | "onRegistered"> {
  /** Re-reads the metadata and reconciles the replicas with it (after every registration). */
  readonly reconcile: () => Promise<void>;
  /** Told when the fence goes up (lease lost) or comes down (registered and reconciled). */
  readonly onFenceChange: () => void;
  /** A log directory that cannot write is published in the registration. */
  readonly storage: LogDirHealth;
  /** How long the first registration may wait for a previous incarnation's key to expire. */
  readonly registerTimeoutMs: number;
}

/** A reconcile after registering that failed (etcd away again) is tried again after this long, doubling... */
const RECONCILE_RETRY_MIN_MS = 200;
/** ...up to this. */
const RECONCILE_RETRY_MAX_MS = 5_000;

export class BrokerSession {
  registration: BrokerRegistration | null = null;
  /** True once the replicas were reconciled with metadata read after the last registration. */
  reconciled = false;
  shuttingDown = false;
  /** Bumped by every registration and loss: a reconcile of an older one must not lift the fence. */
  private generation = 0;

  isFenced(): boolean {
    return !this.registration || this.registration.isFenced() || !this.reconciled;
  }

  /**
   * Registers in etcd and keeps the fence in step with the registration: up when the
   * lease is lost, down once registered again and reconciled. The directory's storage
   * state is published in the registration, so the controller moves this broker's
   * leaderships away while it cannot write (see log-dir-health.ts).
   */
  async register(options: SessionRegistrationOptions): Promise<BrokerRegistration> {
    const { reconcile, onFenceChange, storage, registerTimeoutMs, ...registrationOptions } = options;
    // The fence lifts only after a reconcile that follows this registration. One that
    // fails (etcd away again right after the broker registered) is retried until it
    // succeeds or the registration is lost: left failed, the broker stayed registered,
    // alive to the controller and fenced, so every partition it led refused every
    // request for good (the whole-broker simulation's seed 215).
    const reconcileAfterRegistering = (generation: number, retryMs: number): void => {
      reconcile()
        .then(() => {
          if (generation !== this.generation) return;
          this.reconciled = true;
          onFenceChange();
        })
        .catch((e: unknown) => {
          if (generation !== this.generation || this.shuttingDown) return;
          options.logger.warn(
            { err: (e as Error).message, retryMs },
            "re-reading metadata after registering failed; trying again",
          );
          options.clock.after(
            retryMs,
            () => {
              if (generation === this.generation)
                reconcileAfterRegistering(generation, Math.min(retryMs * 2, RECONCILE_RETRY_MAX_MS));
            },
            { ref: false },
          );
        });
    };
    const registration = new BrokerRegistration({
      ...registrationOptions,
      onLost: () => {
        this.generation++;
        this.reconciled = false;
        onFenceChange();
      },
      onRegistered: () => {
        this.generation++;
        reconcileAfterRegistering(this.generation, RECONCILE_RETRY_MIN_MS);
      },
    });
    this.registration = registration;
    registration.setStorageFailed(storage.state.failed);
    storage.onChange((state) => registration.setStorageFailed(state.failed));
    await registration.register(registerTimeoutMs);
    return registration;
  }

  /** The live registration's epoch; -1 before the first registration. */
  get brokerEpoch(): number {
    return this.registration?.brokerEpoch ?? -1;
  }

  /** This process's incarnation; -1 before the first registration. */
  get incarnation(): number {
    return this.registration?.incarnation ?? -1;
  }
}
