/**
 * `tidelog consume <topic>`: prints records of a topic's partitions (all by default),
 * like kcat -C. Starts at the end unless told otherwise (--from-beginning, --offset,
 * --from-time); follows the topic until --count records were printed, nothing arrived
 * for --idle-timeout, or it is interrupted (Ctrl-C, or stdout closed: `| head`).
 *
 * Text: the value per line (--print-key puts the key and a separator first). JSON: one
 * object per line with topic, partition, offset (a string, as int64 values are in
 * tidelog's JSON), timestamp, key, value and headers; key, value and header values are
 * UTF-8 text, or base64 with `keyEncoding` / `valueEncoding` / `encoding` set to "base64"
 * when the bytes are not valid UTF-8.
 *
 * Output is written a batch at a time and waits for a slow reader (bounded by the
 * consumer's prefetch).
 *
 * A topic that does not exist is an error (exit 1) within about a second, with or
 * without --group; --wait-for-topic waits for it to be created instead (until an
 * interruption or --idle-timeout).
 */
import { isUtf8 } from "node:buffer";
import { Option } from "@commander-js/extra-typings";
import {
  type Consumer,
  type ConsumerRecord,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type IsolationLevel,
  isTidelogError,
  type OffsetSpec,
  type PartitionInfo,
  TidelogError,
  type TopicPartition,
} from "@tidelog/client";
import {
  collectPartition,
  parseNonNegativeInt,
  parsePositiveInt,
  parseSeparator,
  parseTime,
  parseTopicName,
} from "../args.js";
import { UsageError } from "../exit-codes.js";
import { examples } from "../help.js";
import { type CliIo, writeOut } from "../io.js";
import { count } from "../output.js";
import type { Program } from "../program.js";
import type { Session } from "../session.js";
import { parseGroupId } from "./groups.js";

type Format = "text" | "json";

interface ConsumeOptions {
  readonly fromBeginning?: true;
  readonly offset?: number;
  readonly fromTime?: number;
  readonly partition?: number[];
  readonly count?: number;
  readonly idleTimeout?: number;
  readonly format?: Format;
  readonly printKey?: true;
  readonly keySeparator?: string;
  readonly group?: string;
  readonly isolation?: IsolationLevel;
  readonly waitForTopic?: true;
}

export function registerConsumeCommand(program: Program, session: Session): void {
  program
    .command("consume")
    .description("Print records of a topic, following it as records arrive.")
    .argument("<topic>", "topic name", parseTopicName)
    .option("--from-beginning", "start at the earliest offset of each partition")
    .option("--offset <n>", "start at this offset in each partition", (v) => parseNonNegativeInt(v))
    .option("--from-time <time>", "start at the first record at or after this time (ISO 8601 or ms)", parseTime)
    .option("--partition <n>", "read this partition (repeatable; default: every partition)", collectPartition)
    .option("--count <n>", "stop after printing n records", (v) => parsePositiveInt(v, Number.MAX_SAFE_INTEGER))
    .option("--idle-timeout <ms>", "stop when nothing arrives for this long (default: follow)", (v) =>
      parsePositiveInt(v),
    )
    .addOption(
      new Option("--format <format>", "text (the value per line) or json (one object per line)").choices([
        "text",
        "json",
      ] as const),
    )
    .option("--print-key", "text format: print the key and the separator before each value")
    .option("--key-separator <s>", "with --print-key (default: a tab)", parseSeparator)
    .option(
      "--group <id>",
      "read as a member of this consumer group: share partitions, resume from its commits",
      parseGroupId,
    )
    .addOption(
      new Option(
        "--isolation <level>",
        "read_committed (skip aborted records, stop at the last stable offset) or read_uncommitted (every record)",
      )
        .choices(["read_committed", "read_uncommitted"] as const)
        .default("read_committed" as const),
    )
    .option("--wait-for-topic", "wait for the topic to be created instead of failing when it does not exist")
    .addHelpText(
      "after",
      `
Starts at the end of each partition (only new records) unless --from-beginning, --offset
or --from-time says otherwise; --offset outside a partition's log is an error naming its
log start and end offsets (tidelog offsets <topic> shows them). --json (global) is the
same as --format json. A summary goes to stderr when it stops.

A topic that does not exist is an error (exit 1) within about a second, with or without
--group: topics are not created on first use. --wait-for-topic waits for it instead,
until it is created, Ctrl-C or --idle-timeout.

With --group the partitions are shared with the group's other members and reading
resumes at the group's committed offsets (where nothing is committed: the end, or the
beginning with --from-beginning). What was printed is committed when it stops.
--offset, --from-time and --partition do not combine with --group.

--isolation read_committed (the default) skips the records of aborted transactions
and waits at a partition's last stable offset while a transaction there is open;
read_uncommitted prints every record up to the high watermark, aborted ones included.

JSON lines look like:
  {"topic":"orders","partition":0,"offset":"17","timestamp":1714560000000,"key":"alice",
   "value":"hello","headers":[{"key":"source","value":"web"}]}
${examples(
  "tidelog consume orders --from-beginning --count 10",
  "tidelog consume orders --partition 0 --offset 1000 --format json | jq .value",
  "tidelog consume orders --from-time 2024-05-01T12:00:00Z --idle-timeout 2000 --print-key",
  "tidelog consume orders --from-beginning --idle-timeout 1000 > dump.txt",
  "tidelog consume orders --group billing --from-beginning --idle-timeout 5000",
  "tidelog consume orders --from-beginning --isolation read_uncommitted --idle-timeout 2000",
  "tidelog consume new-topic --wait-for-topic --from-beginning",
)}`,
    )
    .action(async (topic, options, command) => {
      const globals = command.optsWithGlobals();
      const output = session.begin(globals);
      session.jsonLines = true;
      session.hintMissingTopic(topic);
      const start = startOf(options);
      const format = options.format ?? (output.json ? "json" : "text");
      const stopper = new Stopper(session.io, options.idleTimeout);
      try {
        const consumer = await startReading(session, topic, options, start, stopper);
        const printed = consumer === null ? 0 : await printRecords(session, consumer, options, format, stopper);
        output.note(`Consumed ${count(printed, "record")} from ${topic}.`);
      } finally {
        stopper.close();
      }
    });
}

/**
 * The consumer, assigned or subscribed and positioned; null when the run was stopped
 * (interrupted, or --idle-timeout) while waiting for the topic to be created.
 */
async function startReading(
  session: Session,
  topic: string,
  options: ConsumeOptions,
  start: OffsetSpec,
  stopper: Stopper,
): Promise<Consumer | null> {
  const requestTimeoutMs = session.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const waitForTopic = options.waitForTopic === true;
  const common = { isolationLevel: options.isolation, requestTimeoutMs, waitForTopic };
  const consumer =
    options.group === undefined
      ? session.sdk().consumer({ ...common, autoOffsetReset: options.offset !== undefined ? "none" : "latest" })
      : session.sdk().consumer({
          ...common,
          groupId: options.group,
          autoOffsetReset: options.fromBeginning ? "earliest" : "latest",
        });
  try {
    if (options.group !== undefined) {
      // Fail before joining the group when the topic does not exist (the group would wait).
      if (!waitForTopic) await consumer.partitionsFor(topic);
      consumer.subscribe([topic]);
      return consumer;
    }
    const partitions = waitForTopic
      ? await partitionsOnceCreated(consumer, topic, stopper)
      : await consumer.partitionsFor(topic);
    if (partitions === null) {
      await consumer.close();
      return null;
    }
    const assigned = partitionsToRead(topic, partitions.length, options.partition);
    if (options.offset !== undefined) await checkOffsetInRange(session, topic, assigned, options.offset);
    consumer.assign(assigned);
    for (const tp of assigned) consumer.seek(tp, start);
    return consumer;
  } catch (e) {
    await consumer.close();
    throw e;
  }
}

/**
 * --offset must be within each partition's log: from its log start offset up to its log
 * end (the next offset to be written, where reading waits for new records). Checked
 * before reading, so the error names the range rather than the consumer's reset policy.
 */
async function checkOffsetInRange(
  session: Session,
  topic: string,
  partitions: readonly TopicPartition[],
  offset: number,
): Promise<void> {
  const ranges = await session.admin().fetchTopicOffsets(topic);
  for (const { partition } of partitions) {
    const range = ranges[partition];
    // Not known (no leader now): the consumer finds out when it reads.
    if (range === undefined || range.earliest === null || range.latest === null) continue;
    const { earliest, latest } = range;
    if (offset >= earliest && offset <= latest) continue;
    const held =
      earliest === latest ? "it holds no records" : `its records are at offsets ${earliest} to ${latest - 1}`;
    const where = offset > latest ? "past the end of" : "before the start of";
    throw new TidelogError(
      "OFFSET_OUT_OF_RANGE",
      `--offset ${offset} is ${where} ${topic} partition ${partition}: ${held} (log start offset ${earliest}, log end offset ${latest})`,
    );
  }
}

/** The topic's partitions once it exists, asking again until then; null when the run is stopped first. */
async function partitionsOnceCreated(
  consumer: Consumer,
  topic: string,
  stopper: Stopper,
): Promise<PartitionInfo[] | null> {
  while (!stopper.stopped) {
    // A consumer that waits for topics asks until its request timeout, then says the topic is unknown.
    const asked = consumer.partitionsFor(topic);
    asked.catch(() => {});
    const answer = await Promise.race([asked, stopper.whenStopped]);
    if (answer === "stopped") return null;
    try {
      return await asked;
    } catch (e) {
      if (!isTidelogError(e, "UNKNOWN_TOPIC_OR_PARTITION")) throw e;
    }
  }
  return null;
}

/**
 * What ends a run besides --count: an interruption (Ctrl-C, SIGTERM, stdout closed) or
 * --idle-timeout with nothing printed, whether reading or still waiting for the topic.
 */
class Stopper {
  stopped = false;
  readonly whenStopped: Promise<"stopped">;
  private wake: () => void = () => {};
  private idle: NodeJS.Timeout | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly uninstall: (() => void) | undefined;

  constructor(
    io: CliIo,
    private readonly idleTimeoutMs: number | undefined,
  ) {
    this.whenStopped = new Promise((resolve) => {
      this.wake = () => resolve("stopped");
    });
    this.uninstall = io.onInterrupt?.(() => this.stop());
    this.armIdle();
  }

  /** Starts --idle-timeout over: something was printed. */
  armIdle(): void {
    if (this.idleTimeoutMs === undefined || this.stopped) return;
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => this.stop(), this.idleTimeoutMs);
  }

  onStop(listener: () => void): void {
    if (this.stopped) listener();
    else this.listeners.add(listener);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.wake();
    for (const listener of this.listeners) listener();
  }

  close(): void {
    if (this.idle) clearTimeout(this.idle);
    this.uninstall?.();
  }
}

function startOf(options: ConsumeOptions): OffsetSpec {
  const given = [options.fromBeginning, options.offset, options.fromTime].filter((v) => v !== undefined);
  if (given.length > 1) throw new UsageError("give at most one of --from-beginning, --offset and --from-time");
  if (options.group !== undefined && (options.offset !== undefined || options.fromTime !== undefined)) {
    throw new UsageError("--group starts at the group's committed offsets: --offset and --from-time do not apply");
  }
  if (options.group !== undefined && options.partition !== undefined) {
    throw new UsageError("--group lets the group assign partitions: --partition does not apply");
  }
  if (options.fromBeginning) return "earliest";
  if (options.offset !== undefined) return options.offset;
  if (options.fromTime !== undefined) return { timestamp: options.fromTime };
  return "latest";
}

function partitionsToRead(topic: string, count: number, wanted: readonly number[] | undefined): TopicPartition[] {
  if (wanted === undefined) return Array.from({ length: count }, (_, partition) => ({ topic, partition }));
  const unique = [...new Set(wanted)];
  for (const p of unique) {
    if (p >= count) {
      throw new TidelogError(
        "UNKNOWN_TOPIC_OR_PARTITION",
        `topic ${topic} has ${count} partitions; there is no partition ${p}`,
      );
    }
  }
  return unique.map((partition) => ({ topic, partition }));
}

/** Prints until the count, the idle timeout or an interruption; returns how many records were printed. */
async function printRecords(
  session: Session,
  consumer: Consumer,
  options: ConsumeOptions,
  format: Format,
  stopper: Stopper,
): Promise<number> {
  const limit = options.count ?? Number.POSITIVE_INFINITY;
  const separator = options.keySeparator ?? "\t";
  const line = format === "json" ? jsonLine : (r: ConsumerRecord) => textLine(r, options.printKey === true, separator);
  stopper.onStop(() => consumer.stop());
  let printed = 0;
  // The next offset after the last record printed, per partition: what a group commits.
  // (With --count a batch may be cut short, so the consumer's own notion of processed
  // records would be wrong for its last batch.)
  const positions = new Map<string, { topic: string; partition: number; offset: number }>();
  try {
    for await (const batch of consumer.batches()) {
      let text = "";
      let last = -1;
      for (const record of batch.records) {
        text += line(record);
        last = record.offset;
        if (++printed >= limit) break;
      }
      await writeOut(session.io.stdout, text);
      if (last >= 0) {
        positions.set(`${batch.topic}:${batch.partition}`, {
          topic: batch.topic,
          partition: batch.partition,
          offset: last + 1,
        });
      }
      if (printed >= limit) break;
      stopper.armIdle();
    }
    if (options.group !== undefined && positions.size > 0) await consumer.commit([...positions.values()]);
  } finally {
    await consumer.close();
  }
  return printed;
}

function textLine(r: ConsumerRecord, printKey: boolean, separator: string): string {
  const value = r.value?.toString("utf8") ?? "";
  return printKey ? `${r.key?.toString("utf8") ?? ""}${separator}${value}\n` : `${value}\n`;
}

/** UTF-8 text when the bytes are valid UTF-8, else base64 (flagged by the caller). */
function bytesField(b: Buffer | null): { text: string | null; base64: boolean } {
  if (b === null) return { text: null, base64: false };
  if (isUtf8(b)) return { text: b.toString("utf8"), base64: false };
  return { text: b.toString("base64"), base64: true };
}

function jsonLine(r: ConsumerRecord): string {
  const key = bytesField(r.key);
  const value = bytesField(r.value);
  const headers = r.headers.map((h) => {
    const v = bytesField(h.value);
    return v.base64 ? { key: h.key, value: v.text, encoding: "base64" } : { key: h.key, value: v.text };
  });
  const doc = {
    topic: r.topic,
    partition: r.partition,
    offset: String(r.offset),
    timestamp: r.timestamp,
    key: key.text,
    ...(key.base64 ? { keyEncoding: "base64" } : {}),
    value: value.text,
    ...(value.base64 ? { valueEncoding: "base64" } : {}),
    headers,
  };
  return `${JSON.stringify(doc)}\n`;
}
