/**
 * What the in-process fake servers (fake-admin-server.ts, fake-broker-server.ts) share:
 * binding a gRPC server to a free loopback port, and stopping it with its pending timers.
 */
import * as grpc from "@grpc/grpc-js";

/** Binds `server` to 127.0.0.1 on a port the system picks; resolves with the port. */
export function bindLoopback(server: grpc.Server): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) =>
      error ? reject(error) : resolve(port),
    );
  });
}

/** Cancels the fake's delayed answers and drops every connection at once. */
export function stopFake(server: grpc.Server, timers: Set<NodeJS.Timeout>): void {
  for (const timer of timers) clearTimeout(timer);
  timers.clear();
  server.forceShutdown();
}
