/**
 * `tidelog produce <topic>`: one record per stdin line, sent through the SDK producer
 * (batched, idempotent with --acks all). Like kcat -P: `--key-separator` splits each line
 * into key and value at the first separator, `--partition` pins every record, `--header`
 * adds headers. A summary goes to stderr; with --json, one delivery report per record on
 * stdout as it is acknowledged, in input order.
 *
 * Streaming: the lines of each read from stdin are handed to the producer at once, so
 * batching is the producer's (by --linger-ms and --batch-size), never a line count:
 * `tail -F app.log | tidelog produce logs` sends each line within the linger time, and
 * bulk input (a pipe reads 64 KiB at a time) still fills large batches.
 *
 * Bounded (limits.ts): at most PRODUCE_MAX_PENDING_SENDS sends of at most
 * PRODUCE_RECORDS_PER_SEND records await their answer; reading stdin waits while they
 * do (and the producer's bufferMemory bounds the bytes). The first failed delivery stops
 * reading; the records already sent are still awaited, then the command exits 1 (or 3
 * when the cluster could not be reached).
 */
import { Option } from "@commander-js/extra-typings";
import {
  COMPRESSION_NAMES,
  type CompressionName,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type DeliveryReport,
  type Producer,
  type ProducerRecord,
  TidelogError,
} from "@tidelog/client";
import {
  collectHeader,
  parseAcks,
  parseNonNegativeInt,
  parsePositiveInt,
  parseSeparator,
  parseTopicName,
} from "../args.js";
import { ExitCode, exitCodeFor } from "../exit-codes.js";
import { examples } from "../help.js";
import { type CliIo, writeOut } from "../io.js";
import { PRODUCE_MAX_LINE_BYTES, PRODUCE_MAX_PENDING_SENDS, PRODUCE_RECORDS_PER_SEND } from "../limits.js";
import { readLines } from "../line-reader.js";
import { count, type Output } from "../output.js";
import type { Program } from "../program.js";
import type { Session } from "../session.js";

interface ProduceOptions {
  readonly keySeparator?: string;
  readonly partition?: number;
  readonly acks?: 0 | 1 | -1;
  readonly compression?: CompressionName;
  readonly header?: { key: string; value: string }[];
  readonly lingerMs?: number;
  readonly batchSize?: number;
  readonly waitForTopic?: true;
}

export function registerProduceCommand(program: Program, session: Session): void {
  program
    .command("produce")
    .description("Write one record per line of standard input to a topic.")
    .argument("<topic>", "topic name", parseTopicName)
    .option(
      "--key-separator <s>",
      "split each line into key and value at the first <s> (\\t for a tab)",
      parseSeparator,
    )
    .option("--partition <n>", "write every record to this partition (default: by key, keyless records spread)", (v) =>
      parseNonNegativeInt(v, 2 ** 31 - 1),
    )
    .option("--acks <acks>", "0, 1 or all (default all, idempotent: retries never duplicate)", parseAcks)
    .addOption(new Option("--compression <codec>", "batch compression (default none)").choices(COMPRESSION_NAMES))
    .option("--header <key=value>", "a header on every record (repeatable)", collectHeader)
    .option("--linger-ms <ms>", "how long a batch waits for more records (default 5)", (v) =>
      parseNonNegativeInt(v, 60_000),
    )
    .option("--batch-size <bytes>", "target batch size (default 16384)", (v) => parsePositiveInt(v, 16 * 1024 * 1024))
    .option(
      "--wait-for-topic",
      "wait (up to --timeout) for the topic to be created instead of failing when it does not exist",
    )
    .addHelpText(
      "after",
      `
Each line is one record: its bytes are the value (a trailing \\r is dropped; an empty line
is an empty value). With --key-separator, the part before the first separator is the key;
a line without it has no key. Keyed records go to the partition Kafka's clients would
choose for the key (murmur2), so a key's records stay in order.

Lines are sent as they arrive (a line typed by hand, or from tail -F, goes out within
--linger-ms); the producer batches what arrives together. The command ends at the end of
input (Ctrl-D on a terminal), or on Ctrl-C after delivering what was read.

A topic that does not exist is an error (exit 1) within about a second: topics are not
created on first use. --wait-for-topic waits for it instead, up to --timeout.

Output: a summary on stderr ("Produced N records (B bytes) to T in S s, R records/s").
With --json, one JSON line per record on stdout, in input order:
  {"topic":"orders","partition":2,"offset":"41","timestamp":1714560000000}
(offset is a string, as int64 values are in tidelog's JSON; null with --acks 0).
${examples(
  "seq 1000 | tidelog produce orders",
  "printf 'alice:hello\\nbob:hi\\n' | tidelog produce orders --key-separator :",
  "tidelog produce orders --partition 0 --acks 1 --compression zstd < events.txt",
  "tidelog produce orders --header source=import --json < lines.txt > reports.jsonl",
)}`,
    )
    .action(async (topic, options, command) => {
      const output = session.begin(command.optsWithGlobals());
      session.jsonLines = true;
      session.hintMissingTopic(topic);
      const producer = makeProducer(session, options);
      const partitions = await producer.partitionsFor(topic);
      if (options.partition !== undefined && options.partition >= partitions.length) {
        throw new TidelogError(
          "UNKNOWN_TOPIC_OR_PARTITION",
          `topic ${topic} has ${partitions.length} partitions; there is no partition ${options.partition}`,
        );
      }
      const run = new ProduceRun(topic, producer, options, output, session.io);
      session.exitCode = await run.execute();
    });
}

function makeProducer(session: Session, options: ProduceOptions): Producer {
  const acks = options.acks ?? -1;
  const lingerMs = options.lingerMs ?? 5;
  const timeoutMs = session.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  return session.sdk().producer({
    acks,
    idempotent: acks === -1,
    compression: options.compression ?? "none",
    lingerMs,
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    requestTimeoutMs: timeoutMs,
    deliveryTimeoutMs: timeoutMs + lingerMs,
    maxBlockMs: timeoutMs,
    waitForTopic: options.waitForTopic === true,
  });
}

/** One run of the command: reads, sends, reports in input order as answers arrive. */
class ProduceRun {
  /** The reporting step of each send not yet reported, oldest first; at most PRODUCE_MAX_PENDING_SENDS. */
  private readonly unreported: Promise<void>[] = [];
  /** The last send's reporting step: each waits for the one before, so reports keep input order. */
  private reported: Promise<void> = Promise.resolve();
  private readonly separator: Buffer | null;
  private readonly headers: { key: string; value: string }[] | undefined;
  private delivered = 0;
  private deliveredBytes = 0;
  private failed = 0;
  private failure: unknown = null;
  private interrupted = false;
  /** Ends a wait for input: the command was interrupted, or a delivery failed. */
  private wakeReader: () => void = () => {};

  constructor(
    private readonly topic: string,
    private readonly producer: Producer,
    private readonly options: ProduceOptions,
    private readonly output: Output,
    private readonly io: CliIo,
  ) {
    this.separator = options.keySeparator === undefined ? null : Buffer.from(options.keySeparator, "utf8");
    this.headers = options.header;
  }

  async execute(): Promise<ExitCode> {
    const startMs = Date.now();
    const stopped = new Promise<"stopped">((resolve) => {
      this.wakeReader = () => resolve("stopped");
    });
    const uninstall = this.io.onInterrupt?.(() => {
      this.interrupted = true;
      this.wakeReader();
    });
    try {
      await this.readAll(stopped);
      await this.reported;
    } finally {
      uninstall?.();
      if (this.interrupted) this.io.stdin?.destroy?.();
    }
    this.summarise(Date.now() - startMs);
    if (this.failure === null) return ExitCode.ok;
    if (this.failure instanceof TidelogError) this.output.problem(this.failure);
    else throw this.failure;
    return exitCodeFor(this.failure);
  }

  /** Sends each read's lines as soon as they are read, until the input ends, a delivery fails, or an interruption. */
  private async readAll(stopped: Promise<"stopped">): Promise<void> {
    if (this.io.stdin === undefined) return;
    const lines = readLines(this.io.stdin, PRODUCE_MAX_LINE_BYTES)[Symbol.asyncIterator]();
    for (;;) {
      const step = await Promise.race([lines.next(), stopped]);
      if (step === "stopped" || step.done) break;
      await this.send(step.value);
      if (this.stopping) break;
    }
    if (this.stopping) lines.return().catch(() => {});
  }

  private get stopping(): boolean {
    return this.failure !== null || this.interrupted;
  }

  /**
   * Hands the lines to the producer now, PRODUCE_RECORDS_PER_SEND per send() call at most:
   * the producer batches them by its linger time, so a line typed by hand goes out within
   * lingerMs and bulk input still fills large batches. Waits while
   * PRODUCE_MAX_PENDING_SENDS sends are unreported.
   */
  private async send(lines: readonly Buffer[]): Promise<void> {
    for (let from = 0; from < lines.length && !this.stopping; from += PRODUCE_RECORDS_PER_SEND) {
      const records: ProducerRecord[] = [];
      let bytes = 0;
      for (const line of lines.slice(from, from + PRODUCE_RECORDS_PER_SEND)) {
        records.push(this.record(line));
        bytes += line.length;
      }
      const reports = this.producer.send(this.topic, records);
      // Its failure is handled in turn by report(); until then it must not count as unhandled.
      reports.catch(() => {});
      const previous = this.reported;
      this.reported = previous.then(() => this.report(reports, records.length, bytes));
      this.unreported.push(this.reported);
      if (this.unreported.length >= PRODUCE_MAX_PENDING_SENDS) await this.unreported.shift();
    }
  }

  private record(line: Buffer): ProducerRecord {
    let key: Buffer | null = null;
    let value = line;
    if (this.separator !== null) {
      const at = line.indexOf(this.separator);
      if (at >= 0) {
        key = line.subarray(0, at);
        value = line.subarray(at + this.separator.length);
      }
    }
    return {
      key,
      value,
      ...(this.headers === undefined ? {} : { headers: this.headers }),
      ...(this.options.partition === undefined ? {} : { partition: this.options.partition }),
    };
  }

  /** Waits for one send's answer and prints its reports (--json); the first failure stops the reading. */
  private async report(reports: Promise<DeliveryReport[]>, records: number, bytes: number): Promise<void> {
    try {
      const delivered = await reports;
      this.delivered += records;
      this.deliveredBytes += bytes;
      if (this.output.json) await writeOut(this.io.stdout, delivered.map(reportLine).join(""));
    } catch (e) {
      this.failure ??= e;
      this.failed += records;
      this.wakeReader();
    }
  }

  private summarise(elapsedMs: number): void {
    const seconds = Math.max(elapsedMs, 1) / 1000;
    const rate = Math.round(this.delivered / seconds);
    const failed = this.failed > 0 ? `; ${count(this.failed, "record")} failed` : "";
    const interrupted = this.interrupted ? " (interrupted)" : "";
    this.output.note(
      `Produced ${count(this.delivered, "record")} (${count(this.deliveredBytes, "byte")}) to ${this.topic} in ${seconds.toFixed(2)} s, ${rate} records/s${failed}${interrupted}.`,
    );
  }
}

function reportLine(r: DeliveryReport): string {
  const offset = r.offset < 0 ? null : String(r.offset);
  return `${JSON.stringify({ topic: r.topic, partition: r.partition, offset, timestamp: r.timestamp })}\n`;
}
