/**
 * Redis Streams as a benchmark peer: one redis-server (Debian's, 7.0) with the append-only
 * file on and fsynced every second, no RDB snapshots, data under a temp folder, on a free
 * loopback port, driven by `ioredis`. One stream key per workload; values are one field.
 *
 *   produce: XADD in pipelines of PIPELINE_COMMANDS, up to PIPELINES_IN_FLIGHT at once
 *   consume: XRANGE with COUNT READ_COUNT, as Buffers (no string decoding), until all are read
 *   group read: XGROUP CREATE, then XREADGROUP COUNT GROUP_CONFIRM_RECORDS and one XACK of the ids read,
 *     the XACK sent with the next read (one connection keeps them in order)
 *   latency: one XADD per record, each awaited
 */
import { spawnSync } from "node:child_process";
import { Redis } from "ioredis";
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

/** XADDs per pipeline (one write, one read of replies). */
const PIPELINE_COMMANDS = 1000;
/** Pipelines awaiting their replies. The client is CPU-bound (about 6 us per XADD): 2 to 32 in flight, of 100 to 10,000 commands, all gave 180-195k/s here. */
const PIPELINES_IN_FLIGHT = 8;
/** Entries per XRANGE. */
const READ_COUNT = 10_000;

function version(bin: string): string {
  const out = spawnSync(bin, ["--version"], { encoding: "utf8" }).stdout;
  return /v=(\d+\.\d+\.\d+)/.exec(out)?.[1] ?? "unknown";
}

async function produce(redis: Redis, key: string, w: Workload): Promise<number> {
  const value = Buffer.alloc(w.recordBytes, 0x61);
  const inFlight = new InFlightWindow(PIPELINES_IN_FLIGHT);
  const start = process.hrtime.bigint();
  for (let sent = 0; sent < w.records; sent += PIPELINE_COMMANDS) {
    const pipeline = redis.pipeline();
    for (let i = sent; i < Math.min(w.records, sent + PIPELINE_COMMANDS); i++) pipeline.xadd(key, "*", "v", value);
    const replies = pipeline.exec().then((results) => {
      const failed = results?.find(([error]) => error);
      if (!results || failed) throw failed?.[0] ?? new Error("pipeline discarded");
    });
    await inFlight.add(replies);
  }
  await inFlight.drain();
  return w.records / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function consume(redis: Redis, key: string, expected: number, timeoutMs: number) {
  const start = process.hrtime.bigint();
  const deadline = Date.now() + timeoutMs;
  let records = 0;
  let from = "-";
  while (records < expected && Date.now() < deadline) {
    const entries = await redis.xrangeBuffer(key, from, "+", "COUNT", READ_COUNT);
    const last = entries.at(-1);
    if (!last) break;
    records += entries.length;
    // "(" makes the range start after the last id read (Redis 6.2+).
    from = `(${last[0].toString()}`;
  }
  return { records, perSecond: records / (Number(process.hrtime.bigint() - start) / 1e9) };
}

/** XREADGROUP's reply for one stream: [[key, [[id, [field, value, ...]], ...]]], or null when nothing is new. */
type GroupReply = [Buffer, [Buffer, Buffer[]][]][] | null;

async function consumeGroup(redis: Redis, key: string, expected: number, timeoutMs: number): Promise<GroupRead> {
  const group = "bench";
  const start = process.hrtime.bigint();
  const elapsedMs = () => Number(process.hrtime.bigint() - start) / 1e6;
  const deadline = Date.now() + timeoutMs;
  await redis.xgroup("CREATE", key, group, "0");
  let records = 0;
  let firstRecordMs = 0;
  let ack: Promise<unknown> = Promise.resolve();
  while (records < expected && Date.now() < deadline) {
    const read = redis.callBuffer(
      "XREADGROUP",
      "GROUP",
      group,
      "c1",
      "COUNT",
      GROUP_CONFIRM_RECORDS,
      "STREAMS",
      key,
      ">",
    );
    // The previous batch's XACK went out before this read; wait for both.
    const [, reply] = await Promise.all([ack, read as Promise<GroupReply>]);
    const entries = reply?.[0]?.[1] ?? [];
    if (entries.length === 0) break;
    if (records === 0) firstRecordMs = elapsedMs();
    records += entries.length;
    ack = redis.xack(key, group, ...entries.map(([id]) => id));
  }
  await ack;
  return { records, perSecond: records / (elapsedMs() / 1000), firstRecordMs };
}

/** Starts redis-server; it is stopped (by pid) and its folder removed when `scope` ends. */
export async function startRedisStreams(scope: CleanupScope, bin: string): Promise<BenchSystem> {
  const [port] = await pickFreePorts(1);
  const dir = tempDir(scope, "tidelog-bench-redis-");
  // save "": no RDB snapshots, so the append-only file is the only disk work, as in production setups that use AOF.
  const settings = {
    port: String(port),
    bind: "127.0.0.1",
    dir,
    appendonly: "yes",
    appendfsync: "everysec",
    save: "",
  };
  const server = startProcess(scope, {
    name: "redis-server",
    command: bin,
    args: Object.entries(settings).flatMap(([key, value]) => [`--${key}`, value]),
  });
  await waitFor(() => probeTcp("127.0.0.1", port!), { description: "redis-server to accept connections" });
  const redis = new Redis({ host: "127.0.0.1", port: port!, maxRetriesPerRequest: 1 });
  return {
    name: "Redis Streams",
    setup:
      `Redis ${version(bin)}, 1 node, appendonly yes, appendfsync everysec, no RDB; ioredis client: ` +
      `pipelined XADD (${PIPELINE_COMMANDS} per pipeline, ${PIPELINES_IN_FLIGHT} in flight), XRANGE COUNT ${READ_COUNT}; ` +
      `group read: XREADGROUP COUNT ${GROUP_CONFIRM_RECORDS}, one XACK per read`,
    serverPids: () => [server.pid],
    async create() {
      // XADD creates the stream.
    },
    produce: (topic, w) => produce(redis, topic, w),
    consume: (topic, expected, timeoutMs) => consume(redis, topic, expected, timeoutMs),
    consumeGroup: (topic, expected, timeoutMs) => consumeGroup(redis, topic, expected, timeoutMs),
    latency(topic, perSecond, seconds) {
      const value = Buffer.alloc(100, 0x62);
      return fixedRateLatency(() => redis.xadd(topic, "*", "v", value), perSecond, seconds);
    },
    async drop(topic) {
      await redis.del(topic);
    },
    async close() {
      await redis.quit();
    },
  };
}
