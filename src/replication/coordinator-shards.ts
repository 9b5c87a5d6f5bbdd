/**
 * The shards of a coordinator (groups on __consumer_offsets, transactions on
 * __transaction_state): one per partition of its internal topic that this broker leads,
 * each holding state loaded from that partition's log. After every reconciliation of
 * replicas, `reconcileCoordinatorShards` drops the shards this broker no longer leads (or
 * leads in a newer leader epoch: the state must be read again) and starts loading the
 * newly led ones. A fenced broker leads nothing. A load that fails drops its shard; the
 * next reconciliation tries again.
 */
import type { Logger } from "../common/logger.js";
import type { Partition } from "./partition.js";
import type { ReplicaManager } from "./replica-manager.js";

export interface CoordinatorShard {
  readonly partition: number;
  readonly leaderEpoch: number;
  loading: boolean;
}

export interface CoordinatorShardsOptions<S extends CoordinatorShard> {
  readonly topic: string;
  readonly replicas: ReplicaManager;
  readonly logger: Logger;
  /** What a shard holds, for the logs ("groups", "transactions"), and how many. */
  readonly describe: (shard: S) => Record<string, number>;
  readonly create: (partition: number, leaderEpoch: number) => S;
  readonly load: (shard: S, partition: Partition) => Promise<void>;
}

export function reconcileCoordinatorShards<S extends CoordinatorShard>(
  shards: Map<number, S>,
  options: CoordinatorShardsOptions<S>,
): void {
  const led = new Map<number, Partition>();
  if (!options.replicas.isFenced()) {
    for (const p of options.replicas.hostedOf(options.topic)) {
      if (p.role === "leader") led.set(p.tp.partition, p);
    }
  }
  for (const [n, shard] of shards) {
    const p = led.get(n);
    if (!p || p.leaderEpoch !== shard.leaderEpoch) {
      shards.delete(n);
      options.logger.info({ partition: n, ...options.describe(shard) }, "no longer coordinating partition");
    }
  }
  for (const [n, p] of led) {
    if (shards.has(n)) continue;
    const shard = options.create(n, p.leaderEpoch);
    shards.set(n, shard);
    options.load(shard, p).catch((e: unknown) => {
      options.logger.error({ partition: n, err: (e as Error).message }, `loading ${options.topic} failed`);
      if (shards.get(n) === shard) shards.delete(n);
    });
  }
}
