/**
 * The raw gRPC streaming ceiling on this machine, for reading end-to-end figures against:
 * one client stream of 1 MiB messages to a server in another process, on loopback, with
 * tidelog's channel options. Nothing is stored or decoded: no broker can beat this.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { CHANNEL_OPTIONS } from "@tidelog/client/protocol";

const MiB = 1024 * 1024;

type SinkClient = grpc.Client & {
  Push(cb: (e: grpc.ServiceError | null, res?: { bytes: number }) => void): grpc.ClientWritableStream<{ data: Buffer }>;
};

/** MB/s of 1 MiB messages streamed for about `seconds`. */
export async function grpcCeilingMBps(seconds: number): Promise<number> {
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
    client.close();
    return total / MiB / elapsed;
  } finally {
    child.kill("SIGKILL");
  }
}
