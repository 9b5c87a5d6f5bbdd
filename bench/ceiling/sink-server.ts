/**
 * A gRPC server that only counts the bytes streamed to it, or echoes each message back:
 * the other end of the gRPC ceiling measurements. Prints its port on stdout, then serves
 * until killed.
 */
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { CHANNEL_OPTIONS } from "@tidelog/client/protocol";

const definition = protoLoader.loadSync(fileURLToPath(new URL("./sink.proto", import.meta.url)), {
  longs: Number,
  defaults: true,
});
const pkg = grpc.loadPackageDefinition(definition) as unknown as {
  tidelog: { bench: { Sink: { service: grpc.ServiceDefinition } } };
};
const server = new grpc.Server(CHANNEL_OPTIONS);
server.addService(pkg.tidelog.bench.Sink.service, {
  Push: (
    call: grpc.ServerReadableStream<{ data: Buffer }, { bytes: number }>,
    callback: grpc.sendUnaryData<{ bytes: number }>,
  ) => {
    let bytes = 0;
    call.on("data", (chunk: { data: Buffer }) => {
      bytes += chunk.data.length;
    });
    call.on("end", () => callback(null, { bytes }));
  },
  Echo: (call: grpc.ServerDuplexStream<{ data: Buffer }, { data: Buffer }>) => {
    call.on("data", (chunk: { data: Buffer }) => call.write(chunk));
    call.on("end", () => call.end());
  },
});
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  process.stdout.write(`${port}\n`);
});
