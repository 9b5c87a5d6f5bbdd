/**
 * NATS JetStream as a benchmark peer: one nats-server (Debian's, 2.9) with JetStream file
 * storage under a temp folder, on a free loopback port, driven by the official `nats`
 * client. One stream per workload with one subject of the same name.
 *
 *   produce: js.publish() with up to PUBLISH_IN_FLIGHT publishes awaiting their PubAck
 *   consume: an ordered consumer, pulling CONSUME_BATCH messages at a time
 *   group read: a durable pull consumer with AckPolicy.All, fetching GROUP_CONFIRM_RECORDS messages
 *     at a time and acknowledging each fetch's last message, awaiting the server's confirmation
 *   latency: one js.publish() per record, each awaited for its PubAck
 */
import { spawnSync } from "node:child_process";
import {
  AckPolicy,
  connect,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type NatsConnection,
  StorageType,
} from "nats";
import {
  type CleanupScope,
  pickFreePorts,
  probeTcp,
  startProcess,
  tempDir,
  waitFor,
} from "../../scripts/harness/cluster.js";
import { InFlightWindow } from "../lib/in-flight-window.js";
import { fixedRateLatency } from "../lib/latency.js";
import { type BenchSystem, GROUP_CONFIRM_RECORDS, type GroupRead, type Workload } from "./bench-system.js";

/** Publishes awaiting a PubAck. The client is CPU-bound at about 20k/s here whether 64 or 16,384 are in flight. */
const PUBLISH_IN_FLIGHT = 1024;
/** Messages per pull of the ordered consumer. */
const CONSUME_BATCH = 10_000;

function version(bin: string): string {
  const out = spawnSync(bin, ["--version"], { encoding: "utf8" }).stdout.trim();
  return /v?(\d+\.\d+\.\d+)/.exec(out)?.[1] ?? "unknown";
}

async function produce(js: JetStreamClient, subject: string, w: Workload): Promise<number> {
  const value = new Uint8Array(w.recordBytes).fill(0x61);
  const inFlight = new InFlightWindow(PUBLISH_IN_FLIGHT);
  const start = process.hrtime.bigint();
  for (let i = 0; i < w.records; i++) await inFlight.add(js.publish(subject, value));
  await inFlight.drain();
  return w.records / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function consume(js: JetStreamClient, stream: string, expected: number, timeoutMs: number) {
  const consumer = await js.consumers.get(stream);
  const start = process.hrtime.bigint();
  const messages = await consumer.consume({ max_messages: CONSUME_BATCH });
  // A lost message would otherwise keep the benchmark waiting forever.
  const timer = setTimeout(() => messages.stop(), timeoutMs);
  let records = 0;
  for await (const _ of messages) {
    if (++records >= expected) break;
  }
  clearTimeout(timer);
  messages.stop();
  return { records, perSecond: records / (Number(process.hrtime.bigint() - start) / 1e9) };
}

async function consumeGroup(
  js: JetStreamClient,
  jsm: JetStreamManager,
  stream: string,
  expected: number,
  timeoutMs: number,
): Promise<GroupRead> {
  const start = process.hrtime.bigint();
  const elapsedMs = () => Number(process.hrtime.bigint() - start) / 1e6;
  const deadline = Date.now() + timeoutMs;
  // max_ack_pending defaults to 1,000, which would cut every fetch short; one fetch's worth is what this reader holds.
  await jsm.consumers.add(stream, {
    durable_name: "bench",
    ack_policy: AckPolicy.All,
    deliver_policy: DeliverPolicy.All,
    max_ack_pending: GROUP_CONFIRM_RECORDS,
  });
  const consumer = await js.consumers.get(stream, "bench");
  let records = 0;
  let firstRecordMs = 0;
  while (records < expected && Date.now() < deadline) {
    // Never ask for more than remain: a fetch short of its count waits out its expiry.
    const batch = await consumer.fetch({
      max_messages: Math.min(GROUP_CONFIRM_RECORDS, expected - records),
      expires: 5000,
    });
    let last: JsMsg | undefined;
    for await (const m of batch) {
      if (records === 0) firstRecordMs = elapsedMs();
      last = m;
      records++;
    }
    if (last === undefined) break;
    await last.ackAck();
  }
  return { records, perSecond: records / (elapsedMs() / 1000), firstRecordMs };
}

/** Starts nats-server with JetStream; it is stopped (by pid) and its folder removed when `scope` ends. */
export async function startJetStream(scope: CleanupScope, bin: string): Promise<BenchSystem> {
  const [port] = await pickFreePorts(1);
  const dir = tempDir(scope, "tidelog-bench-nats-");
  const server = startProcess(scope, {
    name: "nats-server",
    command: bin,
    args: ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", dir],
  });
  await waitFor(() => probeTcp("127.0.0.1", port!), { description: "nats-server to accept connections" });
  const nc: NatsConnection = await connect({ servers: `127.0.0.1:${port}` });
  const jsm: JetStreamManager = await nc.jetstreamManager();
  const js = nc.jetstream();
  const name = (topic: string) => topic.replace(/[^A-Za-z0-9_-]/g, "_");
  return {
    name: "JetStream",
    setup:
      `NATS JetStream ${version(bin)}, 1 node, file storage (no fsync per message); \`nats\` client: ` +
      `js.publish with ${PUBLISH_IN_FLIGHT} in flight, ordered consumer pulling ${CONSUME_BATCH}; ` +
      `group read: AckAll durable consumer, fetches of ${GROUP_CONFIRM_RECORDS}, last of each acked`,
    serverPids: () => [server.pid],
    async create(topic) {
      await jsm.streams.add({ name: name(topic), subjects: [name(topic)], storage: StorageType.File });
    },
    produce: (topic, w) => produce(js, name(topic), w),
    consume: (topic, expected, timeoutMs) => consume(js, name(topic), expected, timeoutMs),
    consumeGroup: (topic, expected, timeoutMs) => consumeGroup(js, jsm, name(topic), expected, timeoutMs),
    latency(topic, perSecond, seconds) {
      const value = new Uint8Array(100).fill(0x62);
      return fixedRateLatency(() => js.publish(name(topic), value), perSecond, seconds);
    },
    async drop(topic) {
      await jsm.streams.delete(name(topic));
    },
    close: () => nc.close(),
  };
}
