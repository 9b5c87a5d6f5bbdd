/**
 * A quick local measurement of the SDK's data path (not a test, not a benchmark of
 * tidelog's broker): records/s the producer builds and sends, and records/s the consumer
 * fetches, decodes and hands out, against the fake broker of fake-broker-server.ts
 * running in a child process (so client and "broker" each get a core, as they would with
 * a real broker on this machine). The fake broker validates every batch's CRC and
 * assigns offsets; for produce runs it keeps no bytes (sink).
 *
 *   node --import tsx --conditions=tidelog-source test/sdk/measure-throughput.ts [--records N] [--quick]
 */
import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { Client, type ProducerOptions, type ProducerRecord } from "../../clients/sdk/src/index.js";
import { encodeRecordBatch } from "../../clients/sdk/src/record/index.js";
import { startFakeDataCluster } from "./fake-broker-server.js";

const VALUE_BYTES = 100;
const PARTITIONS = 6;
const RECORDS_PER_SEND = 1000;
const MAX_OUTSTANDING_SENDS = 64;

interface ServerReady {
  readonly bootstrap: string;
}

/** Child side: a fake broker with a sink topic for producing and a preloaded topic for consuming. */
async function serve(preload: number): Promise<void> {
  const fake = await startFakeDataCluster(null, { sink: false });
  const sink = await startFakeDataCluster(null, { sink: true });
  // Produce goes to the sink broker's topic; consume reads the preloaded one.
  sink.cluster.createTopic("produce-bench", PARTITIONS);
  fake.cluster.createTopic("consume-bench", PARTITIONS);
  const value = Buffer.alloc(VALUE_BYTES, 0x61);
  const records = Array.from({ length: 1000 }, () => ({ value }));
  for (let i = 0; i < preload / 1000; i++) {
    fake.cluster
      .log("consume-bench", i % PARTITIONS)
      .append(encodeRecordBatch({ records, defaultTimestamp: Date.now() }));
  }
  process.send?.({ produce: sink.bootstrap, consume: fake.bootstrap });
  process.on("disconnect", () => {
    fake.stop();
    sink.stop();
    process.exit(0);
  });
}

async function produceRun(bootstrap: string, label: string, options: ProducerOptions, total: number): Promise<void> {
  const client = new Client({ brokers: bootstrap });
  const producer = client.producer(options);
  const value = Buffer.alloc(VALUE_BYTES, 0x62);
  const records: ProducerRecord[] = Array.from({ length: RECORDS_PER_SEND }, () => ({ value }));
  await producer.send("produce-bench", records.slice(0, 10));
  const startMs = performance.now();
  const outstanding: Promise<unknown>[] = [];
  for (let sent = 0; sent < total; sent += RECORDS_PER_SEND) {
    outstanding.push(producer.send("produce-bench", records));
    if (outstanding.length >= MAX_OUTSTANDING_SENDS) await outstanding.shift();
  }
  await Promise.all(outstanding);
  const ms = performance.now() - startMs;
  report(`produce ${label}`, total, ms);
  await client.close();
}

async function produceSingles(bootstrap: string, total: number): Promise<void> {
  const client = new Client({ brokers: bootstrap });
  const producer = client.producer({ batchSize: 256 * 1024 });
  const value = Buffer.alloc(VALUE_BYTES, 0x63);
  await producer.send("produce-bench", { value });
  const startMs = performance.now();
  const outstanding: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    outstanding.push(producer.send("produce-bench", { value }));
    if (outstanding.length >= 100_000) await Promise.all(outstanding.splice(0));
  }
  await Promise.all(outstanding);
  report("produce one record per send() (batchSize 256 KiB)", total, performance.now() - startMs);
  await client.close();
}

async function consumeRun(bootstrap: string, style: "eachBatch" | "iterator", total: number): Promise<void> {
  const client = new Client({ brokers: bootstrap });
  const consumer = client.consumer({ autoOffsetReset: "earliest" });
  consumer.assign(Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: "consume-bench", partition })));
  const startMs = performance.now();
  let n = 0;
  let bytes = 0;
  if (style === "eachBatch") {
    await consumer.run({
      eachBatch: (batch) => {
        n += batch.records.length;
        for (const r of batch.records) bytes += r.value?.length ?? 0;
        if (n >= total) consumer.stop();
      },
    });
  } else {
    for await (const r of consumer) {
      bytes += r.value?.length ?? 0;
      if (++n >= total) break;
    }
  }
  report(`consume (${style})`, n, performance.now() - startMs);
  if (bytes !== n * VALUE_BYTES) throw new Error("consumed values of the wrong size");
  await client.close();
}

function report(label: string, records: number, ms: number): void {
  const perSecond = Math.round((records / ms) * 1000);
  const mb = ((records * VALUE_BYTES) / ms / 1000).toFixed(0);
  console.log(
    `${label.padEnd(58)} ${String(perSecond).padStart(10)} records/s  (${mb} MB/s of values, ${records} in ${ms.toFixed(0)} ms)`,
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf("--records");
  const quick = args.includes("--quick");
  const total = at >= 0 ? Number(args[at + 1]) : quick ? 300_000 : 3_000_000;
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ["--serve", String(total)], {
    execArgv: ["--import", "tsx", "--conditions=tidelog-source"],
  });
  const [addresses] = (await once(child, "message")) as [{ produce: string; consume: string } & Partial<ServerReady>];
  try {
    console.log(
      `${total} records of ${VALUE_BYTES} B, ${PARTITIONS} partitions, keyless; fake broker in a child process`,
    );
    await produceRun(addresses.produce, "defaults (acks all, idempotent, 16 KiB, linger 5)", {}, total);
    await produceRun(addresses.produce, "batchSize 256 KiB", { batchSize: 256 * 1024 }, total);
    await produceRun(addresses.produce, "batchSize 256 KiB, lz4", { batchSize: 256 * 1024, compression: "lz4" }, total);
    await produceSingles(addresses.produce, Math.min(total, 1_000_000));
    await consumeRun(addresses.consume, "eachBatch", total);
    await consumeRun(addresses.consume, "iterator", total);
  } finally {
    child.disconnect();
  }
}

if (process.argv[2] === "--serve") await serve(Number(process.argv[3]));
else await main();
