/**
 * A stand-in for the broker process that honours its process contract and nothing more:
 * dotted `--key=value` flags (`--broker.id` required: exit 2 without it), pino-style JSON
 * lines on stdout, a real gRPC-port and HTTP-port listener on `--grpc.host`, one
 * `"msg":"broker started"` line with brokerId, host, grpcPort and httpPort once they listen,
 * and a clean exit 0 on SIGTERM. It checks that `--etcd.endpoints` answers /health (exit 1
 * if not), so a wrong endpoint fails here as it would in the real broker. It lets the
 * harness and `npm start` be tested apart from the real broker.
 *
 * It counts its starts in <log.dirs>/fake-broker.json, so a test can see that a data
 * directory survives a restart. Knobs, for tests of failure paths:
 *   --fake.fail-start=CODE       log an error and exit with CODE instead of getting ready
 *   --fake.ignore-sigterm=true   log and ignore SIGTERM (stoppers must escalate to SIGKILL)
 *   --fake.report-grpc-port=P    claim port P in the ready line (a broker that lies)
 *
 * Run: node --import tsx test/cluster/fake-broker.ts --broker.id=1 --etcd.endpoints=http://127.0.0.1:2379 ...
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer } from "node:net";
import { hostname } from "node:os";
import { join } from "node:path";

const settings = new Map<string, string>();
for (const arg of process.argv.slice(2)) {
  const match = /^--([^=]+)=(.*)$/s.exec(arg);
  if (match) settings.set(match[1]!, match[2]!);
}

const brokerId = Number(settings.get("broker.id"));
if (!settings.has("broker.id") || !Number.isSafeInteger(brokerId) || brokerId < 0) {
  process.stderr.write(`fake-broker: --broker.id must be a non-negative integer, got ${settings.get("broker.id")}\n`);
  process.exit(2);
}

function log(level: number, msg: string, fields: Record<string, unknown> = {}): void {
  const line = { level, time: Date.now(), pid: process.pid, hostname: hostname(), brokerId, component: "server" };
  process.stdout.write(`${JSON.stringify({ ...line, ...fields, msg })}\n`);
}

function listen(server: TcpServer | HttpServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port }, () => {
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
}

async function etcdHealthy(endpoints: string): Promise<boolean> {
  const first = endpoints.split(",")[0] ?? "";
  try {
    const response = await fetch(`${first}/health`, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}

function countStart(dir: string): number {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "fake-broker.json");
  let starts = 0;
  try {
    starts = (JSON.parse(readFileSync(file, "utf8")) as { starts: number }).starts;
  } catch {
    starts = 0;
  }
  writeFileSync(file, JSON.stringify({ starts: starts + 1 }));
  return starts + 1;
}

async function main(): Promise<void> {
  const host = settings.get("grpc.host") ?? "127.0.0.1";
  const endpoints = settings.get("etcd.endpoints") ?? "http://127.0.0.1:2379";
  const dataDir = settings.get("log.dirs") ?? join(process.cwd(), `fake-broker-${brokerId}`);
  // The environment a test may check: the launcher's allocator settings (BROKER_ENV).
  const glibcTunables = process.env.GLIBC_TUNABLES ?? null;
  log(30, "starting broker", { clusterId: settings.get("cluster.id") ?? "tidelog", logDirs: dataDir, glibcTunables });

  const failCode = settings.get("fake.fail-start");
  if (failCode !== undefined) {
    log(50, "refusing to start, as told", {
      err: { type: "Error", message: "fake failure", stack: "Error: fake failure" },
    });
    process.exit(Number(failCode));
  }
  if (!(await etcdHealthy(endpoints))) {
    log(60, "etcd is not reachable", { endpoints });
    process.exit(1);
  }
  const starts = countStart(dataDir);

  const grpc = createTcpServer((socket) => socket.end());
  const http = createHttpServer((_request, response) => response.end('{"status":"ok"}'));
  const grpcPort = await listen(grpc, host, Number(settings.get("grpc.port") ?? "0"));
  const httpPort = await listen(http, host, Number(settings.get("http.port") ?? "0"));

  process.on("SIGTERM", () => {
    if (settings.get("fake.ignore-sigterm") === "true") {
      log(40, "ignoring SIGTERM, as told");
      return;
    }
    log(30, "shutting down");
    grpc.close();
    http.close();
    log(30, "broker stopped");
    process.exit(0);
  });
  const reported = Number(settings.get("fake.report-grpc-port") ?? grpcPort);
  log(30, "broker started", { host, grpcPort: reported, httpPort, starts });
}

main().catch((error: unknown) => {
  log(60, "fatal error", { err: { message: error instanceof Error ? error.message : String(error) } });
  process.exit(1);
});
