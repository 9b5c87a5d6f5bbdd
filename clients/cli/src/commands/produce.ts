/**
 * `tidelog produce <topic>`: one record per stdin line, sent through the SDK producer
 * (batched, idempotent with --acks all). Like kcat -P: `--key-separator` splits each line
 * into key and value at the first separator, `--partition` pins every record, `--header`
 * adds headers. A summary goes to stderr; with --json, one delivery report per record on
 * stdout as it is acknowledged, in input order.
 *
 * Bounded (limits.ts): at most PRODUCE_MAX_PENDING_SENDS sends of PRODUCE_RECORDS_PER_SEND records await their
 * answer; reading stdin waits while they do. The first failed delivery stops reading; the
 * records already sent are still awaited, then the command exits 1 (or 3 when the
 * cluster could not be reached).
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
import type { Output } from "../output.js";
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
    .addHelpText(
      "after",
      `
Each line is one record: its bytes are the value (a trailing \\r is dropped; an empty line
is an empty value). With --key-separator, the part before the first separator is the key;
a line without it has no key. Keyed records go to the partition Kafka's clients would
choose for the key (murmur2), so a key's records stay in order.

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
  });
}

interface PendingSend {
  readonly reports: Promise<DeliveryReport[]>;
  readonly records: number;
  readonly bytes: number;
}

/** One run of the command: reads, sends, awaits in order, reports. */
class ProduceRun {
  private readonly pending: PendingSend[] = [];
  private readonly separator: Buffer | null;
  private readonly headers: { key: string; value: string }[] | undefined;
  private chunk: ProducerRecord[] = [];
  private chunkBytes = 0;
  private delivered = 0;
  private deliveredBytes = 0;
  private failed = 0;
  private failure: unknown = null;
  private interrupted = false;

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
    let wake: () => void = () => {};
    const interruption = new Promise<"interrupted">((resolve) => {
      wake = () => resolve("interrupted");
    });
    const uninstall = this.io.onInterrupt?.(() => {
      this.interrupted = true;
      wake();
    });
    try {
      await this.readAll(interruption);
      if (this.failure === null) await this.sendChunk();
      while (this.pending.length > 0) await this.settleOldest();
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

  private async readAll(interruption: Promise<"interrupted">): Promise<void> {
    if (this.io.stdin === undefined) return;
    const lines = readLines(this.io.stdin, PRODUCE_MAX_LINE_BYTES)[Symbol.asyncIterator]();
    for (;;) {
      const step = await Promise.race([lines.next(), interruption]);
      if (step === "interrupted" || step.done) break;
      for (const line of step.value) this.add(line);
      if (this.chunk.length >= PRODUCE_RECORDS_PER_SEND) await this.sendChunk();
      if (this.failure !== null || this.interrupted) break;
    }
    if (this.failure !== null || this.interrupted) lines.return().catch(() => {});
  }

  private add(line: Buffer): void {
    let key: Buffer | null = null;
    let value = line;
    if (this.separator !== null) {
      const at = line.indexOf(this.separator);
      if (at >= 0) {
        key = line.subarray(0, at);
        value = line.subarray(at + this.separator.length);
      }
    }
    const record: ProducerRecord = {
      key,
      value,
      ...(this.headers === undefined ? {} : { headers: this.headers }),
      ...(this.options.partition === undefined ? {} : { partition: this.options.partition }),
    };
    this.chunk.push(record);
    this.chunkBytes += line.length;
  }

  private async sendChunk(): Promise<void> {
    if (this.chunk.length === 0) return;
    const records = this.chunk;
    this.pending.push({
      reports: this.producer.send(this.topic, records),
      records: records.length,
      bytes: this.chunkBytes,
    });
    this.chunk = [];
    this.chunkBytes = 0;
    if (this.pending.length >= PRODUCE_MAX_PENDING_SENDS) await this.settleOldest();
  }

  /** Waits for the oldest send and prints its reports (in input order). */
  private async settleOldest(): Promise<void> {
    const send = this.pending.shift()!;
    try {
      const reports = await send.reports;
      this.delivered += send.records;
      this.deliveredBytes += send.bytes;
      if (this.output.json) await writeOut(this.io.stdout, reports.map(reportLine).join(""));
    } catch (e) {
      this.failure ??= e;
      this.failed += send.records;
    }
  }

  private summarise(elapsedMs: number): void {
    const seconds = Math.max(elapsedMs, 1) / 1000;
    const rate = Math.round(this.delivered / seconds);
    const failed = this.failed > 0 ? `; ${this.failed} records failed` : "";
    const interrupted = this.interrupted ? " (interrupted)" : "";
    this.output.note(
      `Produced ${this.delivered} records (${this.deliveredBytes} bytes) to ${this.topic} in ${seconds.toFixed(2)} s, ${rate} records/s${failed}${interrupted}.`,
    );
  }
}

function reportLine(r: DeliveryReport): string {
  const offset = r.offset < 0 ? null : String(r.offset);
  return `${JSON.stringify({ topic: r.topic, partition: r.partition, offset, timestamp: r.timestamp })}\n`;
}
