/**
 * `tidelog partitions ...`: move replicas between brokers (Kafka's
 * kafka-reassign-partitions: --plan, --execute, --status, --cancel) and preferred-leader
 * elections. A plan is JSON a user can read and edit; executing one asks the controller to
 * start the moves, which it completes on its own once the new replicas are in sync.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Admin, OngoingReassignment, ReassignmentResult } from "@tidelog/client";
import { collectTopicNames, parseNonNegativeInt, parseTopicName } from "../args.js";
import { ExitCode, exitCodeFor, UsageError } from "../exit-codes.js";
import { examples } from "../help.js";
import { errorJson, type Output } from "../output.js";
import type { Program } from "../program.js";
import {
  generatePlan,
  movesOf,
  type PartitionReplicas,
  parsePlan,
  type ReassignmentPlan,
} from "../reassignment-plan.js";
import type { Session } from "../session.js";
import { waitForMoves } from "./reassignment-progress.js";
import { printElections } from "./topics.js";

type Partitions = ReturnType<Program["command"]>;

export function registerPartitionCommands(program: Program, session: Session): void {
  const partitions = program
    .command("partitions")
    .description("Move partition replicas between brokers, and elect preferred leaders.")
    .addHelpText(
      "after",
      examples(
        "tidelog partitions reassign --plan --topic orders > plan.json",
        "tidelog partitions reassign --execute plan.json --throttle 10485760",
        "tidelog partitions reassign --status",
        "tidelog partitions elect-leaders --preferred",
      ),
    );
  registerReassign(partitions, session);
  registerElectLeaders(partitions, session);
}

function parseBrokerIds(value: string, previous: number[] | undefined): number[] {
  const ids = value.split(",").map((v) => parseNonNegativeInt(v.trim(), 2 ** 31 - 1));
  return [...(previous ?? []), ...ids];
}

function registerReassign(partitions: Partitions, session: Session): void {
  partitions
    .command("reassign")
    .description("Plan, start, follow or cancel moves of partitions to new replicas.")
    .option("--plan", "print a balanced, rack-aware plan (JSON) that moves as few replicas as possible")
    .option("--topic <name>", "with --plan: a topic to plan (repeatable; default: every topic)", collectTopicNames)
    .option(
      "--brokers <ids>",
      "with --plan: the brokers the topics should live on, e.g. 1,2,3,4 (default: every live broker)",
      parseBrokerIds,
    )
    .option("--execute <plan.json>", "start the moves a plan file lists")
    .option(
      "--throttle <bytes/s>",
      "with --execute: bytes per second each leader may send to replicas being added (0: none)",
      (v) => parseNonNegativeInt(v),
    )
    .option("--wait", "with --execute: show progress until every move has completed")
    .option("--status", "show the moves in progress")
    .option("--cancel [plan.json]", "cancel the moves in progress (those a plan file lists, or all)")
    .addHelpText(
      "after",
      `
A move adds the new replicas first: they copy the log from the leader and join the ISR.
Only then does the controller drop the replicas being removed (moving leadership off a
removed leader first), so the partition keeps every acknowledged write and its clients
see a leader change at most. Moves outlive a controller failover or a broker restart.

The plan is JSON you may edit before executing it:
  {"version": 1, "partitions": [{"topic": "orders", "partition": 0, "replicas": [4, 2, 3]}]}
The first replica of each list is the partition's preferred leader.

--throttle caps the bytes per second a leader sends to the replicas being added (all
moves together), so moving data does not starve producers and consumers; it stays set
until the next --execute (give 0 to remove it).
${examples(
  "tidelog partitions reassign --plan --topic orders --brokers 1,2,3,4 > plan.json",
  "tidelog partitions reassign --execute plan.json --throttle 10485760 --wait",
  "tidelog partitions reassign --status --json",
  "tidelog partitions reassign --cancel",
)}`,
    )
    .action(async (options, command) => {
      const output = session.begin(command.optsWithGlobals());
      const modes = [options.plan, options.execute, options.status, options.cancel].filter((m) => m !== undefined);
      if (modes.length !== 1) throw new UsageError("give exactly one of --plan, --execute, --status, --cancel");
      if (options.plan === undefined && (options.topic !== undefined || options.brokers !== undefined))
        throw new UsageError("--topic and --brokers go with --plan");
      if (options.execute === undefined && (options.throttle !== undefined || options.wait !== undefined))
        throw new UsageError("--throttle and --wait go with --execute");
      const admin = session.admin();
      if (options.plan) {
        await printPlan(output, admin, options.topic ?? [], options.brokers ?? []);
      } else if (options.execute !== undefined) {
        const plan = readPlan(session.io.cwd, options.execute);
        const results = await admin.alterPartitionReassignments(
          plan.partitions.map((p) => ({ topic: p.topic, partition: p.partition, replicas: p.replicas })),
          { throttleBytesPerSecond: options.throttle ?? 0 },
        );
        session.exitCode = printResults(output, results, "started");
        if (options.wait && session.exitCode === ExitCode.ok) {
          const topics = [...new Set(plan.partitions.map((p) => p.topic))];
          await waitForMoves(session, admin, topics, "moving");
        }
      } else if (options.status) {
        printStatus(output, await admin.listPartitionReassignments());
      } else {
        const listed =
          typeof options.cancel === "string"
            ? readPlan(session.io.cwd, options.cancel).partitions
            : (await admin.listPartitionReassignments()).reassignments;
        const results = await admin.alterPartitionReassignments(
          listed.map((p) => ({ topic: p.topic, partition: p.partition, replicas: null })),
        );
        session.exitCode = printResults(output, results, "cancelled");
      }
    });
}

function readPlan(cwd: string, file: string): ReassignmentPlan {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read the plan ${path}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`the plan ${path} is not JSON: ${(e as Error).message}`);
  }
  try {
    return parsePlan(json);
  } catch (e) {
    throw new UsageError(`the plan ${path} is invalid: ${(e as Error).message}`);
  }
}

/** Every partition of `topics` (all topics when empty) with its replicas, and each broker's replica count. */
export async function currentAssignment(
  admin: Admin,
  topics: readonly string[],
): Promise<{ partitions: PartitionReplicas[]; load: Map<number, number> }> {
  const described = await admin.describeTopics();
  const missing = topics.filter((t) => !described.some((d) => d.name === t && d.error === null));
  if (missing.length > 0) throw new UsageError(`no such topic: ${missing.join(", ")}`);
  const load = new Map<number, number>();
  const partitions: PartitionReplicas[] = [];
  for (const d of described) {
    if (d.error !== null) continue;
    for (const p of d.partitions) {
      for (const b of p.replicas) load.set(b, (load.get(b) ?? 0) + 1);
      if (topics.length === 0 ? !d.internal : topics.includes(d.name))
        partitions.push({ topic: d.name, partition: p.partition, replicas: p.replicas });
    }
  }
  return { partitions, load };
}

async function printPlan(output: Output, admin: Admin, topics: readonly string[], brokerIds: readonly number[]) {
  const cluster = await admin.describeCluster();
  const unknown = brokerIds.filter((id) => !cluster.brokers.some((b) => b.id === id));
  if (unknown.length > 0) throw new UsageError(`broker(s) ${unknown.join(", ")} are not registered`);
  const brokers = cluster.brokers
    .filter((b) => brokerIds.length === 0 || brokerIds.includes(b.id))
    .map((b) => ({ id: b.id, rack: b.rack === "" ? null : b.rack }));
  const { partitions, load } = await currentAssignment(admin, topics);
  let plan: ReassignmentPlan;
  try {
    plan = generatePlan(partitions, { brokers, existingLoad: load });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  output.document(plan);
  output.note(
    `${plan.partitions.length} of ${partitions.length} partitions change, ${movesOf(partitions, plan)} replicas move; ` +
      "start it with: tidelog partitions reassign --execute <file>",
  );
}

function printResults(output: Output, results: readonly ReassignmentResult[], verb: string): ExitCode {
  const failure = results.find((r) => r.error !== null)?.error ?? null;
  if (output.json) {
    const items = results.map((r) => ({ topic: r.topic, partition: r.partition, error: errorJson(r.error) }));
    output.document(failure ? { results: items, error: errorJson(failure) } : { results: items });
  } else if (results.length === 0) {
    output.line("Nothing to do.");
  } else {
    output.table(
      ["Topic", "Partition", "Result"],
      results.map((r) => [r.topic, r.partition, r.error === null ? verb : r.error.message]),
    );
  }
  return failure ? exitCodeFor(failure) : ExitCode.ok;
}

function printStatus(
  output: Output,
  listing: { reassignments: readonly OngoingReassignment[]; throttleBytesPerSecond: number | null },
): void {
  if (output.json) {
    output.document(listing);
    return;
  }
  output.line(
    `Throttle: ${listing.throttleBytesPerSecond === null ? "none" : `${listing.throttleBytesPerSecond} bytes/s per leader`}`,
  );
  if (listing.reassignments.length === 0) {
    output.line("No reassignments in progress.");
    return;
  }
  output.table(
    ["Topic", "Partition", "From", "To", "Adding", "In sync", "Leader"],
    listing.reassignments.map((r) => [
      r.topic,
      r.partition,
      r.originalReplicas.join(","),
      r.targetReplicas.join(","),
      r.addingReplicas.join(","),
      r.addingReplicas.filter((b) => r.isr.includes(b)).join(",") || "none yet",
      r.leader,
    ]),
  );
}

function registerElectLeaders(partitions: Partitions, session: Session): void {
  partitions
    .command("elect-leaders")
    .description(
      "Move leadership to each partition's preferred replica (kafka-leader-election --election-type PREFERRED).",
    )
    .requiredOption(
      "--preferred",
      "elect the preferred replica (the first in the replica list); the only kind tidelog elects",
    )
    .argument("[topics...]", "topics to elect in (default: every topic)")
    .addHelpText(
      "after",
      `
Unclean elections are not offered: a leader is always a replica known to hold every
acknowledged write. Brokers also do this on their own (auto.leader.rebalance.enable).
${examples("tidelog partitions elect-leaders --preferred", "tidelog partitions elect-leaders --preferred orders payments --json")}`,
    )
    .action(async (topics: string[], _options, command) => {
      const output = session.begin(command.optsWithGlobals());
      const names = topics.map((t) => parseTopicName(t));
      const results = await session.admin().electLeaders(names.map((topic) => ({ topic })));
      session.exitCode = printElections(output, results);
    });
}
