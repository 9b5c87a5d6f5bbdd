/** A Controller as the fencing tests run it: one partition, RF 1 by default, no timers of its own to speak of. */
import { Controller } from "../../src/cluster/controller.js";
import type { MetadataKv } from "../../src/cluster/metadata-kv.js";
import type { MetadataWatch } from "../../src/cluster/metadata-store.js";
import type { Clock } from "../../src/common/clock.js";
import { silentLogger } from "../../src/common/logger.js";
import { DEFAULT_LOG_CONFIG } from "../../src/storage/log-config.js";

export function testController(store: MetadataKv, watch: MetadataWatch, brokerId: number, clock: Clock): Controller {
  return new Controller({
    store,
    watch,
    brokerId,
    sessionTimeoutMs: 3000,
    reconcileIntervalMs: 60_000,
    defaultPartitions: 1,
    defaultReplicationFactor: 1,
    logDefaults: DEFAULT_LOG_CONFIG,
    clock,
    logger: silentLogger,
    random: () => 0,
    uncleanRecoveryTimeoutMs: 60_000,
    leaderBalance: null,
    describeReplicaLogs: async () => [],
  });
}

/**
 * `store` with its watches held back on demand, as a slow network holds a broker's view of
 * etcd: while held, changes are queued (in order) instead of delivered. The fencing tests
 * hold a controller's watch so it cannot learn that it was deposed before it writes.
 */
export function withHeldWatches(store: MetadataKv): { store: MetadataKv; hold(): void; release(): void } {
  let held = false;
  const queued: (() => void)[] = [];
  const wrapped: MetadataKv = {
    getAll: (prefix, timeoutMs) => store.getAll(prefix, timeoutMs),
    get: (key) => store.get(key),
    txn: (compares, ops, elseGet) => store.txn(compares, ops, elseGet),
    lease: (ttlSeconds) => store.lease(ttlSeconds),
    campaign: (election, ttlSeconds, value, handlers) => store.campaign(election, ttlSeconds, value, handlers),
    close: () => store.close(),
    watch: (prefix, fromRevision, handlers) =>
      store.watch(prefix, fromRevision, {
        ...handlers,
        onEvents: (events) => {
          if (held) queued.push(() => handlers.onEvents(events));
          else handlers.onEvents(events);
        },
      }),
  };
  return {
    store: wrapped,
    hold: () => {
      held = true;
    },
    release: () => {
      held = false;
      for (const deliver of queued.splice(0)) deliver();
    },
  };
}
