/**
 * `idempotence`: an idempotent acks=all producer (no transactions) writing numbered
 * records to 3 partitions with several batches in flight, through broker faults on a
 * launched cluster:
 *
 *   20%  the leader of sequence-0 is killed (kill -9), restarted 2 s later
 *   50%  the leader of sequence-1 is frozen (SIGSTOP) past its session, then thawed
 *   75%  the leader of sequence-2 is killed, restarted 2 s later
 *
 * Batches in flight to a dying leader get no answer and are retried to the next one;
 * without idempotence such a retry writes the batch twice. Proof (sequence-check.ts): no
 * duplicates, order kept per partition, every acknowledged record at its offset.
 */
import { BrokerFaults } from "../broker-faults.js";
import { type Demo, type DemoContext, runSchedule } from "../demo.js";
import { createTopics } from "../demo-cluster.js";
import { n, type Proof } from "../proof.js";
import { readTopic } from "../read-topic.js";
import { sleep } from "../wait.js";
import { checkSequences } from "./sequence-check.js";
import { type Numbered, Sequencer } from "./sequencer.js";

const PARTITIONS = 3;
const BROKER_DOWN_MS = 2_000;
/** Longer than the brokers' 3 s session: the frozen leader loses its partitions. */
const PAUSE_MS = 4_500;

export class IdempotenceDemo implements Demo {
  readonly summary =
    "an idempotent acks=all producer through leader kills and a frozen leader: no duplicates, order kept, nothing acknowledged lost";

  async run(ctx: DemoContext): Promise<Proof> {
    const { progress, signal } = ctx;
    const topic = `sequence-${ctx.runId}`;
    await createTopics(ctx.admin, [{ name: topic, partitions: PARTITIONS }], signal);
    const producer = ctx.client.producer({
      acks: -1,
      idempotent: true,
      lingerMs: 2,
      maxInFlightPerPartition: 5,
      deliveryTimeoutMs: 60_000,
    });
    const writer = new Sequencer(producer, topic, PARTITIONS);
    writer.start();
    progress.event(
      `writing numbered records to ${topic} (${PARTITIONS} partitions): idempotent, acks=all, 5 batches in flight per partition`,
    );
    progress.track(
      () =>
        `sent ${n(writer.sent)}, acknowledged ${n(writer.acked.size)}, failed ${n(writer.failed.size)} | ` +
        `faults: ${ctx.faults.summary()}`,
    );
    const cluster = ctx.cluster.faults;
    const brokers = cluster && new BrokerFaults(cluster, ctx.admin, [topic], ctx.faults, progress, signal);
    const schedule = runSchedule(
      ctx,
      [
        { at: 0.2, clusterFault: true, run: () => brokers!.killLeader(topic, 0, BROKER_DOWN_MS) },
        { at: 0.5, clusterFault: true, run: () => brokers!.pauseLeader(topic, 1, PAUSE_MS) },
        { at: 0.75, clusterFault: true, run: () => brokers!.killLeader(topic, 2, BROKER_DOWN_MS) },
      ],
      () => brokers?.settled() ?? Promise.resolve(),
    );
    await sleep(ctx.seconds * 1000, signal);
    progress.event("writer stopping: waiting for the answers to what is in flight...");
    await writer.stop();
    await producer.close();
    await schedule;
    await brokers?.settled();
    progress.untrack();
    const log = await readTopic(ctx.client, topic, "read_uncommitted");
    const { checks } = checkSequences(
      log.map((r) => ({ partition: r.partition, offset: r.offset, value: JSON.parse(r.value) as Numbered })),
      writer,
    );
    return {
      title: `Proof: idempotence (an idempotent producer through leader failures), ${ctx.seconds} s`,
      facts: [
        ["records sent", n(writer.sent)],
        ["acknowledged", n(writer.acked.size)],
        [
          "failed (never acknowledged)",
          writer.failed.size === 0 ? "0" : `${n(writer.failed.size)}: ${writer.lastError}`,
        ],
        ["records in the log", n(log.length)],
        ["faults", ctx.faults.summary()],
      ],
      checks,
      claim:
        "no record was written twice, each partition kept its order, and every acknowledged record is in the log at the offset it was acknowledged with.",
    };
  }
}
