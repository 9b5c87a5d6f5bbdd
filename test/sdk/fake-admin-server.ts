/**
 * In-process fake tidelog brokers: real grpc-js servers on 127.0.0.1 (port 0, so the OS
 * picks a free one) that implement the Admin service over a shared FakeCluster model
 * (see fake-cluster-model.ts), plus the faults a client must survive:
 *
 *   - not being the controller: writes answer every item NOT_CONTROLLER (code 41);
 *   - a lagging metadata cache: DescribeCluster reports an older controller and epoch;
 *   - failing the next N calls with a gRPC status (UNAVAILABLE by default);
 *   - being slow: every answer waits `delayMs` first.
 *
 * Every call is recorded (`calls`) so a test can see which broker served what.
 * `startFakeCluster(t, ...)` shuts every server down in `t.after`.
 */
import { createServer } from "node:net";
import type { TestContext } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { TidelogError } from "@tidelog/client";
import { errorInfo, loadTidelogProto, NO_ERROR, type wire } from "@tidelog/client/protocol";
import { type ControllerCheck, FakeCluster } from "./fake-cluster-model.js";
import { bindLoopback, stopFake } from "./fake-grpc-server.js";

export interface RecordedCall {
  readonly method: string;
  readonly request: unknown;
}

interface Failure {
  remaining: number;
  readonly status: grpc.status;
  readonly method: string | null;
}

export class FakeBroker {
  readonly calls: RecordedCall[] = [];
  /** Each answer waits this long first. */
  delayMs = 0;
  /** When set, DescribeCluster answers from this stale view instead of the model's. */
  lagging: { controllerId: number; controllerEpoch: number } | null = null;
  private readonly server = new grpc.Server();
  private readonly timers = new Set<NodeJS.Timeout>();
  private failure: Failure | null = null;
  private boundPort = 0;

  constructor(
    readonly id: number,
    readonly cluster: FakeCluster,
  ) {}

  get port(): number {
    return this.boundPort;
  }

  get address(): string {
    return `127.0.0.1:${this.boundPort}`;
  }

  /** The next `count` calls (of `method`, or any) fail with `status` before reaching the model. */
  failNext(count: number, status: grpc.status = grpc.status.UNAVAILABLE, method: string | null = null): void {
    this.failure = { remaining: count, status, method };
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  async start(): Promise<void> {
    const proto = loadTidelogProto(grpc);
    this.server.addService(proto.tidelog.v1.Admin.service, this.handlers());
    this.boundPort = await bindLoopback(this.server);
  }

  stop(): void {
    stopFake(this.server, this.timers);
  }

  private handlers(): wire.AdminHandlers {
    const c = this.cluster;
    const asController = this.controllerCheck();
    return {
      DescribeCluster: this.unary("DescribeCluster", () => this.describeCluster()),
      ListTopics: this.unary("ListTopics", (req: wire.ListTopicsRequest__Output) => c.listTopics(req)),
      DescribeTopics: this.unary("DescribeTopics", (req: wire.DescribeTopicsRequest__Output) => c.describeTopics(req)),
      CreateTopics: this.unary("CreateTopics", (req: wire.CreateTopicsRequest__Output) =>
        c.createTopics(req, asController),
      ),
      DeleteTopics: this.unary("DeleteTopics", (req: wire.DeleteTopicsRequest__Output) =>
        c.deleteTopics(req, asController),
      ),
      CreatePartitions: this.unary("CreatePartitions", (req: wire.CreatePartitionsRequest__Output) =>
        c.createPartitions(req, asController),
      ),
      DescribeConfigs: this.unary("DescribeConfigs", (req: wire.DescribeConfigsRequest__Output) =>
        c.describeConfigs(req),
      ),
      AlterConfigs: this.unary("AlterConfigs", (req: wire.AlterConfigsRequest__Output) =>
        c.alterConfigs(req, asController),
      ),
      ElectLeaders: this.unary("ElectLeaders", (req: wire.ElectLeadersRequest__Output) =>
        c.electLeaders(req, asController),
      ),
      // Reassignments and log directories are tested against real brokers (test/cluster/reassignment.test.ts).
      AlterPartitionReassignments: this.unary("AlterPartitionReassignments", () => ({
        results: [],
        error: errorInfo("UNSUPPORTED_VERSION", "the fake admin server does not reassign"),
      })),
      ListPartitionReassignments: this.unary("ListPartitionReassignments", () => ({
        reassignments: [],
        throttleBytesPerSecond: 0,
        error: NO_ERROR,
      })),
      DescribeLogDirs: this.unary("DescribeLogDirs", () => ({
        brokerId: this.id,
        logDir: "",
        replicas: [],
        totalBytes: 0,
        usableBytes: -1,
        capacityBytes: -1,
        error: NO_ERROR,
      })),
      // ACLs are tested against real brokers (test/cluster/authorization.test.ts).
      CreateAcls: this.unary("CreateAcls", () => ({ results: [], error: errorInfo("SECURITY_DISABLED") })),
      DeleteAcls: this.unary("DeleteAcls", () => ({ results: [], error: errorInfo("SECURITY_DISABLED") })),
      DescribeAcls: this.unary("DescribeAcls", () => ({ bindings: [], error: errorInfo("SECURITY_DISABLED") })),
      DescribeClientQuotas: this.unary("DescribeClientQuotas", () => ({ entries: [], error: NO_ERROR })),
      AlterClientQuotas: this.unary("AlterClientQuotas", () => ({ results: [], error: NO_ERROR })),
      AlterUserScramCredentials: this.unary("AlterUserScramCredentials", () => ({ results: [], error: NO_ERROR })),
      DescribeUserScramCredentials: this.unary("DescribeUserScramCredentials", () => ({ users: [], error: NO_ERROR })),
    };
  }

  private describeCluster(): wire.DescribeClusterResponse {
    const answer = this.cluster.describeCluster(this.id);
    return this.lagging ? { ...answer, ...this.lagging } : answer;
  }

  private controllerCheck(): ControllerCheck {
    return () => {
      const controller = this.cluster.controllerId;
      if (controller === this.id) return;
      throw new TidelogError(
        "NOT_CONTROLLER",
        `broker ${this.id} is not the controller (controller: ${controller ?? "none"})`,
      );
    };
  }

  /** Wraps a model method as a grpc-js unary handler: records, injects faults and delay, then answers. */
  private unary<Req, Res>(method: string, answer: (req: Req) => Res): grpc.handleUnaryCall<Req, Res> {
    return (call, callback) => {
      this.calls.push({ method, request: call.request });
      const respond = () => {
        const status = this.takeFailure(method);
        if (status !== null) return callback({ code: status, details: `injected ${grpc.status[status]}` });
        try {
          callback(null, answer(call.request));
        } catch (e) {
          callback({ code: grpc.status.INTERNAL, details: e instanceof Error ? e.message : String(e) });
        }
      };
      if (this.delayMs === 0) return respond();
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        respond();
      }, this.delayMs);
      this.timers.add(timer);
    };
  }

  private takeFailure(method: string): grpc.status | null {
    const f = this.failure;
    if (!f || f.remaining <= 0 || (f.method !== null && f.method !== method)) return null;
    f.remaining -= 1;
    return f.status;
  }
}

export interface FakeClusterOptions {
  /** How many brokers, ids 1..n. */
  readonly brokers?: number;
  /** The controller's id; null for none elected. Default: broker 1. */
  readonly controller?: number | null;
}

export interface RunningFakeCluster {
  readonly cluster: FakeCluster;
  readonly brokers: FakeBroker[];
  /** Every broker's address, comma-separated, as --bootstrap takes it. */
  readonly bootstrap: string;
  broker(id: number): FakeBroker;
}

export async function startFakeCluster(t: TestContext, options: FakeClusterOptions = {}): Promise<RunningFakeCluster> {
  const cluster = new FakeCluster();
  const brokers = Array.from({ length: options.brokers ?? 1 }, (_, i) => new FakeBroker(i + 1, cluster));
  t.after(() => {
    for (const b of brokers) b.stop();
  });
  for (const b of brokers) {
    await b.start();
    cluster.register({ id: b.id, host: "127.0.0.1", port: b.port, httpPort: 0, rack: "" });
  }
  cluster.electController(options.controller === undefined ? 1 : options.controller);
  return {
    cluster,
    brokers,
    bootstrap: brokers.map((b) => b.address).join(","),
    broker: (id) => brokers.find((b) => b.id === id) ?? assertNever(id),
  };
}

function assertNever(id: number): never {
  throw new Error(`no fake broker ${id}`);
}

/** A port nothing listens on: bound by the OS, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== "object" || address === null) throw new Error("no port bound");
  return address.port;
}
