/**
 * `pipeline` and `at-least-once`: consume-transform-produce under faults.
 *
 * An input producer writes orders of 12 customers to `orders` (6 partitions) at a
 * steady rate. Processor processes (processor.ts) in one consumer group turn each order
 * into a record of its customer's running total in `totals`, committing their input
 * offsets (with the totals so far) in the same transaction, or, for at-least-once,
 * producing first and committing after. While the input flows:
 *
 *   10%  processor p1 is killed (kill -9) holding an uncommitted batch, and restarted
 *   25%  processor p3 joins the group: a rebalance moves partitions while they are read
 *   40%  the leader of orders-0 is killed (kill -9), restarted 2 s later     (launched cluster)
 *   60%  p2's transaction coordinator is killed, restarted 2 s later       (launched cluster)
 *   80%  processor p2 is killed holding an uncommitted batch, and restarted
 *
 * Then the input stops, the group drains the backlog, and both topics are read back
 * (totals read_committed) for the checker (totals-check.ts). Exactly-once must show no
 * order missing or twice; at-least-once must show duplicates, the negative control
 * proving the checker sees what transactions prevent.
 */
import { BrokerFaults } from "../broker-faults.js";
import { type Demo, type DemoContext, runSchedule } from "../demo.js";
import { createTopics } from "../demo-cluster.js";
import { DRAIN_TIMEOUT_MS, INPUT_TICK_MS, ORDERS_PER_TICK } from "../limits.js";
import { count, n, type Proof } from "../proof.js";
import { endOffsets, readTopic } from "../read-topic.js";
import { sleep, WaitTimeoutError, waitFor } from "../wait.js";
import { OrderSource } from "./order-source.js";
import { ProcessorFleet } from "./processor-fleet.js";
import type { Delivery } from "./processor-protocol.js";
import { parseOrder, parseOutput } from "./records.js";
import { checkPipeline } from "./totals-check.js";

const PARTITIONS = 6;
/** Processors' group session: a killed static member keeps its partitions this long unless it is back sooner (it is). */
const PROCESSOR_SESSION_MS = 6_000;
/** How long a killed broker stays down. */
const BROKER_DOWN_MS = 2_000;

export function pipelineDemo(delivery: Delivery): Demo {
  const exactlyOnce = delivery === "exactly-once";
  return {
    summary: exactlyOnce
      ? "consume-transform-produce in transactions: every order's output exactly once, through processor crashes, a rebalance and broker kills"
      : "the same pipeline without transactions (produce, then commit): the checker must see duplicates",
    run: (ctx) => runPipeline(ctx, delivery),
  };
}

async function runPipeline(ctx: DemoContext, delivery: Delivery): Promise<Proof> {
  const { progress, admin, signal } = ctx;
  const exactlyOnce = delivery === "exactly-once";
  const orders = `orders-${ctx.runId}`;
  const totals = `totals-${ctx.runId}`;
  const groupId = `pipeline-${ctx.runId}`;
  const prefix = `pipeline-${ctx.runId}`;
  await createTopics(
    admin,
    [
      { name: orders, partitions: PARTITIONS },
      { name: totals, partitions: PARTITIONS },
    ],
    signal,
  );
  progress.event(`topics ${orders} -> ${totals} (${PARTITIONS} partitions each), consumer group ${groupId}`);

  const fleet = new ProcessorFleet(
    ctx.children,
    {
      bootstrap: ctx.cluster.bootstrap,
      orders,
      totals,
      groupId,
      transactionalIdPrefix: prefix,
      delivery,
      sessionTimeoutMs: PROCESSOR_SESSION_MS,
    },
    progress,
    ctx.faults,
    signal,
  );
  progress.event(`starting processors p1, p2 (${delivery})...`);
  await Promise.all([fleet.start("p1"), fleet.start("p2")]);

  const source = new OrderSource(ctx.client.producer({ lingerMs: 5 }), orders, ctx.random);
  source.start();
  progress.event(`input started: orders of 12 customers, about ${n((ORDERS_PER_TICK * 1000) / INPUT_TICK_MS)}/s`);
  progress.track(
    () =>
      `orders ${n(source.acked)} in -> ${n(fleet.committedOrders())} processed | ` +
      `processors up ${fleet.running()} | faults: ${ctx.faults.summary()}`,
  );

  const cluster = ctx.cluster.faults;
  const brokers = cluster && new BrokerFaults(cluster, admin, [orders, totals], ctx.faults, progress, signal);
  const schedule = runSchedule(
    ctx,
    [
      { at: 0.1, clusterFault: false, run: () => fleet.killMidTransaction("p1") },
      {
        at: 0.25,
        clusterFault: false,
        run: async () => {
          progress.event("processor p3 joins the group: a rebalance");
          await fleet.start("p3");
        },
      },
      { at: 0.4, clusterFault: true, run: () => brokers!.killLeader(orders, 0, BROKER_DOWN_MS) },
      {
        at: 0.6,
        clusterFault: true,
        run: () =>
          exactlyOnce
            ? brokers!.killCoordinator(`${prefix}-p2`, BROKER_DOWN_MS)
            : brokers!.killGroupCoordinator(groupId, BROKER_DOWN_MS),
      },
      { at: 0.8, clusterFault: false, run: () => fleet.killMidTransaction("p2") },
    ],
    () => brokers?.settled() ?? Promise.resolve(),
  );
  await sleep(ctx.seconds * 1000, signal);
  await source.stop();
  progress.event(
    `input stopped: ${count(source.acked, "order")} acknowledged${source.failed > 0 ? `, ${n(source.failed)} failed (${source.lastError})` : ""}`,
  );
  await schedule;
  await brokers?.settled();

  const drained = await drain(ctx, orders, groupId);
  progress.untrack();
  await fleet.stop();
  progress.event(`processors stopped; reading ${orders} and ${totals} back...`);

  const [orderRecords, committed, uncommitted] = await Promise.all([
    readTopic(ctx.client, orders, "read_committed"),
    readTopic(ctx.client, totals, "read_committed"),
    readTopic(ctx.client, totals, "read_uncommitted"),
  ]);
  const findings = checkPipeline(
    {
      orders: orderRecords.map((r) => ({ partition: r.partition, offset: r.offset, value: parseOrder(r.value) })),
      outputs: committed.map((r) => ({ partition: r.partition, offset: r.offset, value: parseOutput(r.value) })),
    },
    delivery,
  );
  return {
    title: `Proof: ${exactlyOnce ? "pipeline (exactly-once consume-transform-produce)" : "at-least-once (the negative control)"}, ${ctx.seconds} s`,
    facts: [
      ...findings.facts,
      [
        "records in `totals` only read_uncommitted sees",
        `${n(uncommitted.length - committed.length)}${exactlyOnce ? " (written by transactions that were aborted: killed processors, fenced zombies)" : ""}`,
      ],
      ["orders processed, as the processors counted", n(fleet.committedOrders())],
      [
        "faults",
        `${ctx.faults.summary()}${fleet.crashes > 0 ? `; ${fleet.crashes} processor restarts after a failure` : ""}`,
      ],
      ["backlog drained after the input stopped", drained ? "yes" : `no, within ${DRAIN_TIMEOUT_MS / 1000} s`],
    ],
    checks: findings.checks,
    claim: exactlyOnce
      ? "every order produced its output exactly once (none missing, none twice), and the running totals equal the totals computed from the orders."
      : `without transactions a crash between producing and committing replays the batch: ${count(findings.duplicatedOrders, "order")} output twice, and the checker saw it. No order was lost.`,
  };
}

/** Waits until the group has committed every order (its offsets at the end of `orders`). */
async function drain(ctx: DemoContext, orders: string, groupId: string): Promise<boolean> {
  const ends = await endOffsets(ctx.client, orders);
  ctx.progress.event("waiting for the processors to catch up with the backlog...");
  try {
    await waitFor(
      async () => {
        const offsets = (await ctx.admin.groupOffsets(groupId)).filter((o) => o.topic === orders);
        const committed = new Map(offsets.map((o) => [o.partition, o.committed]));
        return ends.every((end, p) => end === 0 || (committed.get(p) ?? -1) >= end);
      },
      {
        description: `group ${groupId} at the end of ${orders}`,
        timeoutMs: DRAIN_TIMEOUT_MS,
        intervalMs: 250,
        signal: ctx.signal,
      },
    );
    return true;
  } catch (e) {
    if (!(e instanceof WaitTimeoutError)) throw e;
    ctx.progress.event(`the group did not catch up: ${e.message}`);
    return false;
  }
}
