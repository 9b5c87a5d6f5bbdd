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
