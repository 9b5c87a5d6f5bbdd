/**
 * The raw gRPC ceilings on this machine, for reading end-to-end figures against: a server
 * in another process on loopback, tidelog's channel options, nothing stored or decoded.
 *
 *   throughput: one client stream of 1 MiB messages (no broker can carry more)
 *   latency:    100 B messages echoed on one bidirectional stream at a fixed rate, timed
 *               as the benchmarks time publish-to-acknowledge (no gRPC service can answer
 *               sooner: one hop there and back, no work between)
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { CHANNEL_OPTIONS } from "@tidelog/client/protocol";
import { fixedRateLatency, type Percentiles } from "../lib/latency.js";

const MiB = 1024 * 1024;

type Chunk = { data: Buffer };
type SinkClient = grpc.Client & {
  Push(cb: (e: grpc.ServiceError | null, res?: { bytes: number }) => void): grpc.ClientWritableStream<Chunk>;
  Echo(): grpc.ClientDuplexStream<Chunk, Chunk>;
};

/** Runs `use` against a fresh sink server process, which is killed afterwards. */
async function withSink<T>(use: (client: SinkClient) => Promise<T>): Promise<T> {
  const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=tidelog-source", here("./sink-server.ts")], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.once("data", (d: Buffer) => resolve(Number(d.toString().trim())));
      child.once("exit", (code) => reject(new Error(`sink server exited with ${code}`)));
    });
    const definition = protoLoader.loadSync(here("./sink.proto"), { longs: Number, defaults: true });
    const pkg = grpc.loadPackageDefinition(definition) as unknown as {
      tidelog: { bench: { Sink: new (a: string, c: grpc.ChannelCredentials, o: grpc.ChannelOptions) => SinkClient } };
    };
    const client = new pkg.tidelog.bench.Sink(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
    try {
      return await use(client);
    } finally {
      client.close();
    }
  } finally {
    child.kill("SIGKILL");
  }
}

/** MB/s of 1 MiB messages streamed for about `seconds`. */
export function grpcCeilingMBps(seconds: number): Promise<number> {
  return withSink(async (client) => {
    const chunk = Buffer.alloc(MiB, 7);
    const start = process.hrtime.bigint();
    const total = await new Promise<number>((resolve, reject) => {
      const stream = client.Push((e, res) => (e || !res ? reject(e) : resolve(res.bytes)));
      const deadline = Date.now() + seconds * 1000;
      const pump = () => {
        while (Date.now() < deadline) {
          if (!stream.write({ data: chunk })) {
            stream.once("drain", pump);
            return;
          }
        }
        stream.end();
      };
      pump();
    });
    const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    return total / MiB / elapsed;
  });
}

/** Round-trip percentiles of 100 B messages echoed at `perSecond`, measured after `warmupSeconds` at the same rate. */
export function grpcEchoLatency(perSecond: number, seconds: number, warmupSeconds: number): Promise<Percentiles> {
  return withSink(async (client) => {
    const stream = client.Echo();
    // Echoes come back in order, so the oldest waiting send owns each one (a handful wait
    // at a time at this rate, so shifting the queue costs nothing worth measuring).
    const waiting: (() => void)[] = [];
    stream.on("data", () => waiting.shift()?.());
    const failed = new Promise<never>((_, reject) => stream.once("error", reject));
    const data = Buffer.alloc(100, 0x62);
    const send = () =>
      new Promise<void>((resolve) => {
        waiting.push(resolve);
        stream.write({ data });
      });
    try {
      await Promise.race([fixedRateLatency(send, perSecond, warmupSeconds), failed]);
      return await Promise.race([fixedRateLatency(send, perSecond, seconds), failed]);
    } finally {
      stream.end();
    }
  });
}
