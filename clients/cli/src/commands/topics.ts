/**
 * `tidelog topics ...`: create, list, describe, delete, alter configs, add partitions.
 * Names and numbers are checked here (exit 2) before anything is sent; the cluster's
 * per-topic answers decide the rest (exit 1 when any topic failed).
 */
import {
  type Admin,
  type ElectionResult,
  isTidelogError,
  type PartitionProducers,
  TidelogError,
  type TopicDescription,
  type TopicResult,
} from "@tidelog/client";
import {
  collectConfigKey,
  collectKeyValue,
  collectPartition,
  collectTopicNames,
  parsePositiveInt,
  parseTopicName,
} from "../args.js";
import { ExitCode, exitCodeFor, UsageError } from "../exit-codes.js";
import { examples } from "../help.js";
import { errorJson, type Output } from "../output.js";
import type { Program } from "../program.js";
import type { Session } from "../session.js";
import { withConfigAdvice } from "../topic-config-names.js";
import { registerDeleteRecords } from "./delete-records.js";

type Topics = ReturnType<Program["command"]>;

export function registerTopicCommands(program: Program, session: Session): void {
  const topics = program
    .command("topics")
    .description("Create, inspect, change and delete topics.")
    .addHelpText(
      "after",
      examples("tidelog topics list", "tidelog topics describe orders", "tidelog topics create orders --partitions 6"),
    );
  registerCreate(topics, session);
  registerList(topics, session);
  registerDescribe(topics, session);
  registerDelete(topics, session);
  registerAlterConfig(topics, session);
  registerAddPartitions(topics, session);
  registerElectLeaders(topics, session);
  registerDeleteRecords(topics, session);
}

function registerCreate(topics: Topics, session: Session): void {
  topics
    .command("create")
    .description("Create a topic. Partitions and replication factor default to the brokers' settings.")
    .argument("<name>", "topic name: 1-249 of a-z A-Z 0-9 . _ -", parseTopicName)
    .option("--partitions <n>", "number of partitions", (v) => parsePositiveInt(v))
    .option("--replication-factor <n>", "copies of each partition", (v) => parsePositiveInt(v))
    .option("--config <key=value>", "a topic setting, by Kafka name (repeatable)", collectKeyValue)
    .option("--if-not-exists", "succeed without change when the topic already exists")
    .option("--validate-only", "check the request with the controller; create nothing")
    .addHelpText(
      "after",
      examples(
        "tidelog topics create orders",
        "tidelog topics create orders --partitions 6 --replication-factor 3 --config retention.ms=86400000",
        "tidelog topics create audit --config cleanup.policy=compact --config min.insync.replicas=2 --if-not-exists",
      ),
    )
    .action(async (name, options, command) => {
      const output = session.begin(command.optsWithGlobals());
      const topic = {
        name,
        partitions: options.partitions,
        replicationFactor: options.replicationFactor,
        configs: options.config,
      };
      const [result] = await session.admin().createTopics([topic], { validateOnly: options.validateOnly === true });
      const existed = options.ifNotExists === true && isTidelogError(result?.error, "TOPIC_ALREADY_EXISTS");
      if (result?.error && !existed) throw withConfigAdvice(result.error);
      printCreated(output, name, result?.topicId ?? null, existed, options.validateOnly === true);
    });
}

function printCreated(
  output: Output,
  name: string,
  topicId: string | null,
  existed: boolean,
  validateOnly: boolean,
): void {
  if (output.json) {
    output.document({ name, topicId: existed ? null : topicId, created: !existed && !validateOnly, validateOnly });
    return;
  }
  if (existed) output.line(`Topic ${name} already exists; nothing changed (--if-not-exists).`);
  else if (validateOnly) output.line(`Topic ${name} would be created; nothing changed (--validate-only).`);
  else output.line(`Created topic ${name} (id ${topicId}).`);
}

function registerList(topics: Topics, session: Session): void {
  topics
    .command("list")
    .description("List topics with their partition counts and replication factors.")
    .option("--include-internal", "also list internal topics (such as __consumer_offsets)")
    .addHelpText("after", examples("tidelog topics list", "tidelog topics list --include-internal --json"))
    .action(async (options, command) => {
      const output = session.begin(command.optsWithGlobals());
      const listed = await session.admin().listTopics({ includeInternal: options.includeInternal === true });
      const sorted = [...listed].sort((a, b) => a.name.localeCompare(b.name));
      if (output.json) return output.document({ topics: sorted });
      if (sorted.length === 0) return output.line("No topics.");
      output.table(
        ["Topic", "Partitions", "Replication factor", "Internal", "Topic id"],
        sorted.map((t) => [t.name, t.partitionCount, t.replicationFactor, t.internal ? "yes" : "", t.topicId]),
      );
    });
}

function registerDescribe(topics: Topics, session: Session): void {
  topics
    .command("describe")
    .description(
      "Show each partition of the named topics (all topics when none are named): leader, leader epoch, replicas, ISR, ELR, offline replicas, high watermark, last stable offset and open transactions.",
    )
    .argument("[names...]", "topic names", collectTopicNames)
    .option("--include-internal", "with no names, also describe internal topics")
    .option("--configs", "also list every effective topic config with its value and source (topic or default)")
    .addHelpText(
      "after",
      `
With --configs, every setting a topic runs with is listed, as Kafka's kafka-configs
--describe --all: its value, and its source: "topic" when set on the topic (tidelog
topics alter-config), "default" when it is the brokers' default for topics.

HW is the high watermark (read_uncommitted consumers read up to it), LSO the last stable
offset (read_committed consumers read up to it): below HW while a transaction is open on
the partition, and "Open txns" counts those transactions (tidelog transactions
find-hanging tells whether one is stuck). Both are read from each partition's leader;
"-" (and no field in --json) when the leader could not be asked.

ELR lists the eligible leader replicas (Kafka's KIP-966): replicas that left an ISR
smaller than min.insync.replicas, so they still hold every acknowledged record and can
lead if no ISR member is left. A partition with no leader and a non-empty ISR or ELR is
waiting for those replicas to come back (leader recovery).
${examples("tidelog topics describe", "tidelog topics describe orders payments --json", "tidelog topics describe orders --configs")}`,
    )
    .action(async (names, options, command) => {
      const output = session.begin(command.optsWithGlobals());
      const named = names ?? [];
      const admin = session.admin();
      const described = await admin.describeTopics(named);
      const shown = named.length > 0 || options.includeInternal ? described : described.filter((t) => !t.internal);
      const offsets = await partitionOffsets(output, admin, shown);
      const configs = options.configs === true ? await effectiveConfigs(admin, shown) : null;
      session.exitCode = printDescriptions(output, shown, offsets, configs);
    });
}

/** Where a topic's effective setting comes from: set on the topic, or the brokers' default. */
type ConfigSource = "topic" | "default";

interface EffectiveConfig {
  readonly name: string;
  readonly value: string;
  readonly source: ConfigSource;
  readonly doc: string;
}

type Configs = ReadonlyMap<string, readonly EffectiveConfig[]>;

/** Every setting of each described topic, by topic name, sorted by setting name. */
async function effectiveConfigs(admin: Admin, topics: readonly TopicDescription[]): Promise<Configs> {
  const names = topics.filter((t) => t.error === null).map((t) => t.name);
  const described = await admin.describeConfigs(names);
  const out = new Map<string, EffectiveConfig[]>();
  for (const t of described) {
    if (t.error) throw t.error;
    const entries = t.entries.map((e) => ({
      name: e.name,
      value: e.value,
      source: (e.isDefault ? "default" : "topic") as ConfigSource,
      doc: e.doc,
    }));
    out.set(
      t.name,
      entries.sort((a, b) => a.name.localeCompare(b.name)),
    );
  }
  return out;
}

type Offsets = ReadonlyMap<string, PartitionProducers>;

/**
 * High watermark, last stable offset and open transactions of the shown partitions, by
 * "topic:partition"; only those whose leader answered. Extra information: when it cannot
 * be read the description is still printed, with a warning.
 */
async function partitionOffsets(output: Output, admin: Admin, topics: readonly TopicDescription[]): Promise<Offsets> {
  const names = topics.filter((t) => t.error === null && t.partitions.length > 0).map((t) => t.name);
  if (names.length === 0) return new Map();
  try {
    const read = await admin.describeProducers(names);
    return new Map(read.filter((p) => p.error === null).map((p) => [`${p.topic}:${p.partition}`, p]));
  } catch (e) {
    if (!(e instanceof TidelogError)) throw e;
    output.note(`warning: could not read high watermarks and last stable offsets: ${e.message}`);
    return new Map();
  }
}

function printDescriptions(
  output: Output,
  topics: readonly TopicDescription[],
  offsets: Offsets,
  configs: Configs | null,
): ExitCode {
  const failure = topics.find((t) => t.error)?.error ?? null;
  if (output.json) {
    const doc = topics.map((t) => ({
      ...t,
      ...(configs === null || t.error ? {} : { effectiveConfigs: configs.get(t.name) ?? [] }),
      partitions: t.partitions.map((p) => {
        const o = offsets.get(`${t.name}:${p.partition}`);
        return o
          ? {
              ...p,
              highWatermark: o.highWatermark,
              lastStableOffset: o.lastStableOffset,
              openTransactions: o.openTransactions,
            }
          : p;
      }),
      error: errorJson(t.error),
    }));
    output.document(failure ? { topics: doc, error: errorJson(failure) } : { topics: doc });
  } else {
    if (topics.length === 0) output.line("No topics.");
    for (const [i, t] of topics.entries()) {
      if (t.error) {
        output.problem(t.error);
        continue;
      }
      printDescription(output, t, i > 0, offsets);
      const effective = configs?.get(t.name);
      if (effective !== undefined) {
        output.table(
          ["Config", "Value", "Source"],
          effective.map((c) => [c.name, c.value, c.source]),
        );
      }
    }
  }
  return failure ? exitCodeFor(failure) : ExitCode.ok;
}

function printDescription(output: Output, t: TopicDescription, gap: boolean, offsets: Offsets): void {
  if (gap) output.line();
  const rf = t.partitions[0]?.replicas.length ?? 0;
  const internal = t.internal ? ", internal" : "";
  output.line(
    `Topic: ${t.name} (id ${t.topicId}, ${t.partitions.length} partitions, replication factor ${rf}${internal})`,
  );
  const configs = Object.entries(t.configs).map(([k, v]) => `${k}=${v}`);
  output.line(`Configs: ${configs.length > 0 ? configs.join(", ") : "(broker defaults)"}`);
  output.table(
    ["Partition", "Leader", "Leader epoch", "Replicas", "ISR", "ELR", "Offline replicas", "HW", "LSO", "Open txns"],
    t.partitions.map((p) => {
      const o = offsets.get(`${t.name}:${p.partition}`);
      return [
        p.partition,
        p.leader ?? "none",
        p.leaderEpoch,
        p.replicas.join(","),
        p.isr.join(","),
        p.elr.join(","),
        p.offlineReplicas.join(","),
        o?.highWatermark ?? null,
        o?.lastStableOffset ?? null,
        o ? o.openTransactions.length : null,
      ];
    }),
  );
}

function registerDelete(topics: Topics, session: Session): void {
  topics
    .command("delete")
    .description("Delete topics and all their data. Asks for no confirmation.")
    .argument("<names...>", "topic names", collectTopicNames)
    .option("--if-exists", "succeed for topics that do not exist")
    .addHelpText(
      "after",
      examples("tidelog topics delete orders", "tidelog topics delete orders payments --if-exists --json"),
    )
    .action(async (names, options, command) => {
      const output = session.begin(command.optsWithGlobals());
      const results = await session.admin().deleteTopics(names);
      const absent = (r: TopicResult) =>
        options.ifExists === true && isTidelogError(r.error, "UNKNOWN_TOPIC_OR_PARTITION");
      session.exitCode = printDeleted(output, results, absent);
    });
}

function printDeleted(output: Output, results: readonly TopicResult[], absent: (r: TopicResult) => boolean): ExitCode {
  const failure = results.find((r) => r.error && !absent(r))?.error ?? null;
  if (output.json) {
    const topics = results.map((r) => ({
      name: r.name,
      topicId: r.topicId,
      deleted: r.error === null,
      error: absent(r) ? null : errorJson(r.error),
    }));
    output.document(failure ? { topics, error: errorJson(failure) } : { topics });
  } else {
    for (const r of results) {
      if (r.error === null) output.line(`Deleted topic ${r.name}.`);
      else if (absent(r)) output.line(`Topic ${r.name} does not exist; nothing to delete (--if-exists).`);
      else output.problem(r.error);
    }
  }
  return failure ? exitCodeFor(failure) : ExitCode.ok;
}

function registerAlterConfig(topics: Topics, session: Session): void {
  topics
    .command("alter-config")
    .description("Set topic settings, or return them to the broker default.")
    .argument("<name>", "topic name", parseTopicName)
    .option("--set <key=value>", "a setting to set, by Kafka name (repeatable)", collectKeyValue)
    .option("--delete <key>", "a setting to return to the broker default (repeatable)", collectConfigKey)
    .option("--validate-only", "check the change with the controller; change nothing")
    .addHelpText(
      "after",
      examples(
        "tidelog topics alter-config orders --set retention.ms=3600000",
        "tidelog topics alter-config orders --set retention.bytes=1073741824 --delete cleanup.policy",
      ),
    )
    .action(async (name, options, command) => {
      const output = session.begin(command.optsWithGlobals());
      const set = options.set ?? {};
      const deleted = options.delete ?? [];
      if (Object.keys(set).length === 0 && deleted.length === 0) {
        throw new UsageError("nothing to change: give --set key=value and/or --delete key (see --help)");
      }
      const validateOnly = options.validateOnly === true;
      try {
        await session.admin().alterConfig({ name, set, delete: deleted }, { validateOnly });
      } catch (e) {
        throw e instanceof TidelogError ? withConfigAdvice(e) : e;
      }
      printAltered(output, name, set, deleted, validateOnly);
    });
}

function printAltered(
  output: Output,
  name: string,
  set: Record<string, string>,
  deleted: readonly string[],
  validateOnly: boolean,
): void {
  if (output.json) {
    output.document({ name, set, deleted, validateOnly });
    return;
  }
  const parts = [
    ...Object.entries(set).map(([k, v]) => `set ${k}=${v}`),
    ...deleted.map((k) => `reset ${k} to the broker default`),
  ];
  const verb = validateOnly ? "Would change" : "Changed";
  output.line(`${verb} ${name}: ${parts.join("; ")}.${validateOnly ? " Nothing changed (--validate-only)." : ""}`);
}

function registerAddPartitions(topics: Topics, session: Session): void {
  topics
    .command("add-partitions")
    .description("Grow a topic to a new total number of partitions (partitions are never removed).")
    .argument("<name>", "topic name", parseTopicName)
    .requiredOption("--total <n>", "the new total number of partitions", (v) => parsePositiveInt(v))
    .option("--validate-only", "check the change with the controller; change nothing")
    .addHelpText("after", examples("tidelog topics add-partitions orders --total 12"))
    .action(async (name, options, command) => {
      const output = session.begin(command.optsWithGlobals());
      const validateOnly = options.validateOnly === true;
      await session.admin().increasePartitions(name, options.total, { validateOnly });
      if (output.json) return output.document({ name, totalCount: options.total, validateOnly });
      const suffix = validateOnly ? " Nothing changed (--validate-only)." : "";
      output.line(`${validateOnly ? "Would grow" : "Grew"} ${name} to ${options.total} partitions.${suffix}`);
    });
}

function registerElectLeaders(topics: Topics, session: Session): void {
  topics
    .command("elect-leaders")
    .description(
      "Move leadership back to each partition's preferred replica (the first in its replica list), like Kafka's kafka-leader-election --election-type PREFERRED.",
    )
    .argument("[name]", "topic name (required unless --all)", parseTopicName)
    .option(
      "--partition <n>",
      "only this partition of the topic (repeatable; default: every partition)",
      collectPartition,
    )
    .option("--all", "every partition of every topic")
    .addHelpText(
      "after",
      `
After a broker restarts, the partitions it led stay with their new leaders, so load
piles up on the brokers that stayed up; a preferred-leader election spreads it back.
A partition already led by its preferred replica is reported as such and is no error;
one whose preferred replica is not in sync is an error (PREFERRED_LEADER_NOT_AVAILABLE).
${examples("tidelog topics elect-leaders orders", "tidelog topics elect-leaders orders --partition 0 --partition 3", "tidelog topics elect-leaders --all --json")}`,
    )
    .action(async (name, options, command) => {
      const output = session.begin(command.optsWithGlobals());
      if ((name === undefined) === (options.all !== true)) {
        throw new UsageError("name one topic, or give --all for every partition of every topic");
      }
      if (options.all === true && options.partition !== undefined) {
        throw new UsageError("--partition needs a topic name, not --all");
      }
      const targets = name === undefined ? [] : [{ topic: name, partitions: options.partition ?? [] }];
      const results = await session.admin().electLeaders(targets);
      session.exitCode = printElections(output, results);
    });
}

export function printElections(output: Output, results: readonly ElectionResult[]): ExitCode {
  const notNeeded = (r: ElectionResult) => isTidelogError(r.error, "ELECTION_NOT_NEEDED");
  const failure = results.find((r) => r.error && !notNeeded(r))?.error ?? null;
  const sorted = [...results].sort(
    (a, b) => a.topic.localeCompare(b.topic) || (a.partition ?? -1) - (b.partition ?? -1),
  );
  if (output.json) {
    const elections = sorted.map((r) => ({
      topic: r.topic,
      partition: r.partition,
      leader: r.leader,
      elected: r.error === null,
      error: notNeeded(r) ? null : errorJson(r.error),
    }));
    output.document(failure ? { elections, error: errorJson(failure) } : { elections });
  } else if (sorted.length === 0) {
    output.line("No partitions.");
  } else {
    output.table(
      ["Topic", "Partition", "Leader", "Result"],
      sorted.map((r) => [
        r.topic,
        r.partition,
        r.leader,
        r.error === null ? "elected" : notNeeded(r) ? "already the preferred leader" : r.error.message,
      ]),
    );
  }
  return failure ? exitCodeFor(failure) : ExitCode.ok;
}
