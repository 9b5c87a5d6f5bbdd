/**
 * `tidelog brokers ...`: what each broker holds (list) and emptying one before it is
 * removed (decommission: every replica moved to the others by a balanced plan, followed
 * with a progress bar until the broker holds nothing).
 */
import type { BrokerLogDirs, TopicDescription } from "@tidelog/client";
import { parseNonNegativeInt } from "../args.js";
import { ExitCode, UsageError } from "../exit-codes.js";
import { examples } from "../help.js";
import { errorJson } from "../output.js";
import type { Program } from "../program.js";
import { generatePlan, type PartitionReplicas } from "../reassignment-plan.js";
import type { Session } from "../session.js";
import { registerBrokerRoll } from "./broker-roll.js";
import { follow, mb } from "./reassignment-progress.js";

export function registerBrokerCommands(program: Program, session: Session): void {
  const brokers = program
    .command("brokers")
    .description(
      "See what each broker holds, empty a broker before removing it, restart a local cluster one broker at a time.",
    )
    .addHelpText(
      "after",
      examples("tidelog brokers list", "tidelog brokers decommission 4 --throttle 52428800", "tidelog brokers roll"),
    );
  brokers
    .command("list")
    .description("Every live broker with its partition and leader counts and the bytes it holds.")
    .addHelpText("after", examples("tidelog brokers list", "tidelog brokers list --json"))
    .action(async (_options, command) => {
      const output = session.begin(command.optsWithGlobals());
      const rows = (await session.admin().listBrokers()).map((b) => ({
        ...b,
        address: `${b.host}:${b.port}`,
        error: errorJson(b.error),
      }));
      if (output.json) {
        output.document({ brokers: rows });
        return;
      }
      output.table(
        ["Broker", "Address", "Rack", "Controller", "Partitions", "Leaders", "MB held", "MB free"],
        rows.map((r) => [
          r.id,
          r.address,
          r.rack,
          r.controller ? "yes" : "",
          r.partitions,
          r.leaders,
          r.bytes === null ? (r.error?.message ?? null) : mb(r.bytes),
          r.usableBytes === null ? null : mb(r.usableBytes),
        ]),
      );
    });

  brokers
    .command("decommission")
    .description(
      "Move every replica off a broker (to the others, balanced and rack-aware) and wait until it holds nothing.",
    )
    .argument("<id>", "the broker to empty", (v) => parseNonNegativeInt(v, 2 ** 31 - 1))
    .option("--throttle <bytes/s>", "bytes per second each leader may send to the new replicas (0: none)", (v) =>
      parseNonNegativeInt(v),
    )
    .option("--no-wait", "start the moves and return; follow them with `tidelog partitions reassign --status`")
    .addHelpText(
      "after",
      `
The broker keeps serving while its replicas move: each new replica copies the log and
joins the ISR before the broker's replica is dropped (leadership moves off it first).
When it holds nothing it can be stopped and removed. New topics may still be placed on
it until it is stopped; run this again if one was created meanwhile.
${examples("tidelog brokers decommission 4", "tidelog brokers decommission 4 --throttle 52428800 --no-wait --json")}`,
    )
    .action(async (id: number, options, command) => {
      const output = session.begin(command.optsWithGlobals());
      const admin = session.admin();
      const cluster = await admin.describeCluster();
      if (!cluster.brokers.some((b) => b.id === id)) throw new UsageError(`broker ${id} is not registered`);
      const others = cluster.brokers.filter((b) => b.id !== id).map((b) => ({ id: b.id, rack: b.rack || null }));
      if ((await admin.listPartitionReassignments()).reassignments.length > 0) {
        throw new UsageError(
          "reassignments are in progress; wait for them (tidelog partitions reassign --status) or cancel them first",
        );
      }
      const all = await admin.describeTopics();
      const load = new Map<number, number>();
      for (const t of all)
        for (const p of t.partitions) for (const b of p.replicas) load.set(b, (load.get(b) ?? 0) + 1);
      const onBroker: PartitionReplicas[] = all.flatMap((t) =>
        t.error !== null
          ? []
          : t.partitions
              .filter((p) => p.replicas.includes(id))
              .map((p) => ({ topic: t.name, partition: p.partition, replicas: p.replicas })),
      );
      load.delete(id);
      let plan: ReturnType<typeof generatePlan>;
      try {
        plan = generatePlan(onBroker, { brokers: others, existingLoad: load });
      } catch (e) {
        throw new UsageError(`cannot empty broker ${id}: ${(e as Error).message}`);
      }
      const results = await admin.alterPartitionReassignments(
        plan.partitions.map((p) => ({ topic: p.topic, partition: p.partition, replicas: p.replicas })),
        { throttleBytesPerSecond: options.throttle ?? 0 },
      );
      const failed = results.filter((r) => r.error !== null);
      if (failed.length > 0) {
        session.exitCode = ExitCode.clusterError;
        for (const f of failed) output.note(`${f.topic}-${f.partition}: ${f.error?.message}`);
      }
      const total = onBroker.length;
      const emptied =
        options.wait === false
          ? false
          : await follow(session, `emptying broker ${id}`, async () => {
              const left = held(id, await admin.describeTopics());
              const dirs = await admin.describeLogDirs([id]).catch((): BrokerLogDirs[] => []);
              const bytes = dirs[0]?.totalBytes ?? 0;
              return {
                done: left === 0,
                value: total - left,
                total,
                detail: `${left} of ${total} replicas left, ${mb(bytes)} MB still on it`,
              };
            });
      const left = held(id, await admin.describeTopics());
      if (output.json) {
        output.document({
          broker: id,
          moves: plan.partitions,
          replicasLeft: left,
          emptied: left === 0,
          errors: failed.map((f) => ({ topic: f.topic, partition: f.partition, error: errorJson(f.error) })),
        });
      } else if (left === 0) {
        output.line(`Broker ${id} holds no replica: it can be stopped and removed.`);
      } else {
        output.line(
          `Moving ${plan.partitions.length} partition(s) off broker ${id}; ${left} replica(s) still on it.` +
            (emptied ? "" : " Follow with: tidelog partitions reassign --status"),
        );
      }
    });
  registerBrokerRoll(brokers, session);
}

/** Replicas of every topic assigned to broker `id`. */
function held(id: number, topics: readonly TopicDescription[]): number {
  let n = 0;
  for (const t of topics) for (const p of t.partitions) if (p.replicas.includes(id)) n++;
  return n;
}
