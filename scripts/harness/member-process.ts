// A consumer group member in its own process, so tests can kill -9 it. Reads its
// settings as JSON from argv[2]; writes one JSON line per event to stdout, each stamped
// with a wall-clock time precise to microseconds so events of several processes can be
// put in one order afterwards:
//   {"event":"assigned"|"revoked"|"lost","partitions":[0,1],"at":...}
//   {"event":"record","partition":0,"offset":12,"value":"...","at":...}
// SIGTERM closes the consumer (commit, leave) and exits.
import { Client, type TopicPartition } from "@tidelog/client";

interface MemberSettings {
  bootstrap: string;
  groupId: string;
  topic: string;
  sessionTimeoutMs: number;
  autoCommitIntervalMs: number;
  instanceId?: string;
  /** Pause per record, to make processing slow. */
  handlerDelayMs?: number;
}

const settings = JSON.parse(process.argv[2] ?? "{}") as MemberSettings;
const now = () => performance.timeOrigin + performance.now();
const emit = (o: object): void => {
  process.stdout.write(`${JSON.stringify({ ...o, at: now() })}\n`);
};
const partitions = (tps: TopicPartition[]) => tps.map((tp) => tp.partition).sort((a, b) => a - b);

const client = new Client({ brokers: settings.bootstrap, attemptTimeoutMs: 1500, requestTimeoutMs: 20_000 });
const consumer = client.consumer({
  groupId: settings.groupId,
  autoOffsetReset: "earliest",
  sessionTimeoutMs: settings.sessionTimeoutMs,
  rebalanceTimeoutMs: 20_000,
  autoCommitIntervalMs: settings.autoCommitIntervalMs,
  maxWaitMs: 200,
  ...(settings.instanceId ? { groupInstanceId: settings.instanceId } : {}),
});
consumer.subscribe([settings.topic], {
  onAssigned: (tps) => emit({ event: "assigned", partitions: partitions(tps) }),
  onRevoked: (tps) => emit({ event: "revoked", partitions: partitions(tps) }),
  onLost: (tps) => emit({ event: "lost", partitions: partitions(tps) }),
});
process.on("SIGTERM", () => {
  consumer
    .close()
    .then(() => client.close())
    .finally(() => {
      emit({ event: "closed" });
      process.exit(0);
    });
});
await consumer.run({
  eachBatch: async (batch) => {
    for (const r of batch.records) {
      emit({ event: "record", partition: r.partition, offset: r.offset, value: r.value?.toString() ?? null });
      if (settings.handlerDelayMs) await new Promise((resolve) => setTimeout(resolve, settings.handlerDelayMs));
    }
  },
});
