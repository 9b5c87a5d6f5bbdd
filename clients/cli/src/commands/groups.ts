/**
 * `tidelog groups ...`: list, describe, reset-offsets, delete consumer groups.
 *
 * describe joins two views a user needs together: who is in the group (members, their
 * epochs and assignments) and how far behind it is (committed offset, log end offset and
 * lag per partition). reset-offsets is a dry run unless --execute is given, and the
 * coordinator's group must have no members: a live member would overwrite the reset
 * with its next commit.
 */
import { InvalidArgumentError } from "@commander-js/extra-typings";
import {
  type GroupStatus,
  isTidelogError,
  type OffsetResetPlan,
  type OffsetResetSpec,
  type TopicPartition,
} from "@tidelog/client";
import { collectTopicNames, parseNonNegativeInt, parseTime } from "../args.js";
import { ExitCode, exitCodeFor, UsageError } from "../exit-codes.js";
import { examples } from "../help.js";
import { count, errorJson, type Output } from "../output.js";
import type { Program } from "../program.js";
import type { Session } from "../session.js";

type Groups = ReturnType<Program["command"]>;

const GROUP_ID_MAX = 255;

/** Same bound as the SDK's groupId: 1-255 characters. */
export function parseGroupId(value: string): string {
  if (value.length === 0 || value.length > GROUP_ID_MAX) {
    throw new InvalidArgumentError(`a group id must be 1 to ${GROUP_ID_MAX} characters, got ${value.length}.`);
  }
  return value;
}

function collectGroupIds(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), parseGroupId(value)];
}

/** --shift-by: a whole number, negative allowed. */
function parseShift(value: string): number {
  const n = Number(value);
  if (!/^-?(0|[1-9][0-9]*)$/.test(value) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`'${value}' is not a whole number (negative moves back).`);
  }
  return n;
}

export function registerGroupCommands(program: Program, session: Session): void {
  const groups = program
    .command("groups")
    .description("Inspect consumer groups, move their committed offsets, delete them.")
    .addHelpText(
      "after",
      examples(
        "tidelog groups list",
        "tidelog groups describe billing",
        "tidelog groups reset-offsets billing --topic orders --to-earliest",
      ),
    );
  registerList(groups, session);
  registerDescribe(groups, session);
  registerResetOffsets(groups, session);
  registerDelete(groups, session);
}

function registerList(groups: Groups, session: Session): void {
  groups
    .command("list")
    .description("List every consumer group, asking each broker's coordinator.")
    .addHelpText("after", examples("tidelog groups list", "tidelog groups list --json"))
    .action(async (_options, command) => {
      const output = session.begin(command.optsWithGlobals());
      const { groups: listed, unreachable } = await session.admin().listGroups();
      if (output.json) return output.document({ groups: listed, unreachableBrokers: unreachable });
      if (unreachable.length > 0) {
        output.note(`warning: brokers ${unreachable.join(",")} did not answer; their groups are missing below.`);
      }
      if (listed.length === 0) return output.line("No groups.");
      output.table(
        ["Group", "State", "Members", "Coordinator"],
        listed.map((g) => [g.groupId, g.state, g.members, g.coordinatorId]),
      );
    });
}

function registerDescribe(groups: Groups, session: Session): void {
  groups
    .command("describe")
    .description(
      "Show a group: state, epochs and assignor; each member with its assignment; and per partition the committed offset, log end offset, lag and owner.",
    )
    .argument("<group>", "group id", parseGroupId)
    .addHelpText(
      "after",
      `
State is empty (no members), assigning (a new target assignment is being computed),
reconciling (some members have not yet taken up their target) or stable. Lag is the
log end offset (high watermark) minus the committed offset; "-" means nothing is
committed for that partition yet, and such partitions are left out of the total lag
(as Kafka's tools do: where the group would start there depends on its reset policy).
Lag (s) is the age of the partition's oldest unconsumed record (now minus the timestamp
of the record at the committed offset): what to alert on, since a lag in records means
little without the rate; 0 when nothing is unconsumed.
${examples("tidelog groups describe billing", "tidelog groups describe billing --json | jq '.offsets[].lag'")}`,
    )
    .action(async (groupId, _options, command) => {
      const output = session.begin(command.optsWithGlobals());
      printGroup(output, groupId, await session.admin().groupStatus(groupId));
    });
}

function tps(list: readonly TopicPartition[]): string {
  const byTopic = new Map<string, number[]>();
  for (const tp of list) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
  const parts = [...byTopic].map(([t, ps]) => `${t}:${ps.sort((a, b) => a - b).join(",")}`);
  return parts.length > 0 ? parts.join(" ") : "-";
}

function printGroup(output: Output, groupId: string, status: GroupStatus): void {
  const { description: d, offsets, totalLag, maxLagSeconds } = status;
  if (output.json) {
    output.document({ groupId, description: d, offsets, totalLag, maxLagSeconds });
    return;
  }
  if (d === null) {
    output.line(`Group: ${groupId} (no members; committed offsets only)`);
  } else {
    output.line(
      `Group: ${d.groupId}  state ${d.state}  group epoch ${d.groupEpoch}  assignment epoch ${d.assignmentEpoch}  assignor ${d.assignor}  coordinator ${d.coordinatorId}`,
    );
    if (d.members.length === 0) output.line("Members: none");
    else {
      output.line();
      output.table(
        ["Member", "Instance", "Client", "Epoch", "Subscribed", "Owns", "Target"],
        d.members.map((m) => [
          m.memberId,
          m.instanceId,
          m.clientId,
          m.memberEpoch,
          m.subscribedTopics.join(","),
          tps(m.assignment),
          tps(m.targetAssignment),
        ]),
      );
    }
  }
  output.line();
  if (offsets.length === 0) {
    output.line("No committed offsets and no owned partitions.");
    return;
  }
  output.table(
    ["Topic", "Partition", "Committed", "Log end offset", "Lag", "Lag (s)", "Owner"],
    offsets.map((o) => [
      o.topic,
      o.partition,
      o.committed < 0 ? null : o.committed,
      o.logEndOffset < 0 ? null : o.logEndOffset,
      o.lag,
      o.lagSeconds === null ? null : o.lagSeconds.toFixed(1),
      o.memberId,
    ]),
  );
  // Kafka's tools count lag only where there is a commit; say so rather than let a "-" row read as 0.
  const uncounted = offsets.filter((o) => o.lag === null).length;
  const note =
    uncounted === 0
      ? ""
      : ` (partitions with a commit only; ${count(uncounted, "partition")} without one, shown as "-", not counted)`;
  output.line(`Total lag: ${count(totalLag, "record")}${note}`);
  if (maxLagSeconds !== null) output.line(`Oldest unconsumed record: ${maxLagSeconds.toFixed(1)} s old`);
}

interface ResetOptions {
  readonly topic?: string[];
  readonly toEarliest?: true;
  readonly toLatest?: true;
  readonly toDatetime?: number;
  readonly toOffset?: number;
  readonly shiftBy?: number;
  readonly execute?: true;
}

/** Exactly one of the --to-* / --shift-by flags, as a spec. */
export function resetSpecOf(o: ResetOptions): OffsetResetSpec {
  const given: OffsetResetSpec[] = [];
  if (o.toEarliest) given.push({ to: "earliest" });
  if (o.toLatest) given.push({ to: "latest" });
  if (o.toDatetime !== undefined) given.push({ to: "datetime", timestamp: o.toDatetime });
  if (o.toOffset !== undefined) given.push({ to: "offset", offset: o.toOffset });
  if (o.shiftBy !== undefined) given.push({ shiftBy: o.shiftBy });
  if (given.length !== 1) {
    throw new UsageError(
      `give exactly one of --to-earliest, --to-latest, --to-datetime, --to-offset and --shift-by (got ${given.length})`,
    );
  }
  return given[0] as OffsetResetSpec;
}

function registerResetOffsets(groups: Groups, session: Session): void {
  groups
    .command("reset-offsets")
    .description(
      "Move a group's committed offsets on the named topics (every partition). Shows the plan; changes nothing without --execute.",
    )
    .argument("<group>", "group id", parseGroupId)
    .requiredOption("--topic <name>", "a topic whose offsets to move (repeatable)", collectTopicNames)
    .option("--to-earliest", "to each partition's log start offset")
    .option("--to-latest", "to each partition's log end offset (skip everything not yet read)")
    .option("--to-datetime <time>", "to the first record at or after this time (ISO 8601 or ms)", parseTime)
    .option("--to-offset <n>", "to this offset on every partition", (v) => parseNonNegativeInt(v))
    .option("--shift-by <n>", "by n from the committed offset (negative re-reads)", parseShift)
    .option("--execute", "commit the new offsets (without it, a dry run)")
    .addHelpText(
      "after",
      `
The group must have no members (stop its consumers first): the coordinator refuses
otherwise, since a member's next commit would undo the reset. Targets outside a
partition's log are clamped to its log start or end offset, as Kafka's tool does.
${examples(
  "tidelog groups reset-offsets billing --topic orders --to-earliest",
  "tidelog groups reset-offsets billing --topic orders --to-datetime 2024-05-01T12:00:00Z --execute",
  "tidelog groups reset-offsets billing --topic orders --topic payments --shift-by -100 --execute --json",
)}`,
    )
    .action(async (groupId, options, command) => {
      const output = session.begin(command.optsWithGlobals());
      const spec = resetSpecOf(options);
      const execute = options.execute === true;
      const plan = await session.admin().resetGroupOffsets(groupId, options.topic, spec, { execute });
      printPlan(output, groupId, plan, execute);
    });
}

function printPlan(output: Output, groupId: string, plan: readonly OffsetResetPlan[], execute: boolean): void {
  if (output.json) {
    output.document({ groupId, executed: execute, partitions: plan });
    return;
  }
  output.table(
    ["Topic", "Partition", "Current", "New"],
    plan.map((p) => [p.topic, p.partition, p.current < 0 ? null : p.current, p.target]),
  );
  if (execute) output.line(`Committed new offsets for ${plan.length} partition(s) of group ${groupId}.`);
  else output.line("Dry run: nothing changed. Add --execute to commit these offsets.");
}

function registerDelete(groups: Groups, session: Session): void {
  groups
    .command("delete")
    .description("Delete groups and their committed offsets. A group with members is refused (NON_EMPTY_GROUP).")
    .argument("<groups...>", "group ids", collectGroupIds)
    .option("--if-exists", "succeed for groups that do not exist")
    .addHelpText("after", examples("tidelog groups delete billing", "tidelog groups delete billing audit --json"))
    .action(async (groupIds, options, command) => {
      const output = session.begin(command.optsWithGlobals());
      const results = await session.admin().deleteGroups(groupIds);
      const absent = (e: unknown) => options.ifExists === true && isTidelogError(e, "GROUP_ID_NOT_FOUND");
      const failure = results.find((r) => r.error && !absent(r.error))?.error ?? null;
      if (output.json) {
        const doc = results.map((r) => ({
          groupId: r.groupId,
          deleted: r.error === null,
          error: absent(r.error) ? null : errorJson(r.error),
        }));
        output.document(failure ? { groups: doc, error: errorJson(failure) } : { groups: doc });
      } else {
        for (const r of results) {
          if (r.error === null) output.line(`Deleted group ${r.groupId}.`);
          else if (absent(r.error)) output.line(`Group ${r.groupId} does not exist; nothing to delete (--if-exists).`);
          else output.problem(r.error);
        }
      }
      session.exitCode = failure ? exitCodeFor(failure) : ExitCode.ok;
    });
}
