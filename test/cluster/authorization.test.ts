// The authorizer on real brokers (authorizer.class.name=StandardAuthorizer, principals
// from client certificates, no ACLs yet: only super.users get in). Three brokers whose
// own principal is a super user replicate to each other; then every gRPC method of every
// service is called with no certificate, with a super user's name on a certificate
// another CA signed, with a certificate of a principal that is not a super user, and as
// a super user: the first three are refused with the method's Kafka authorization code,
// the last is not. A client posing as the frozen followers with a valid certificate (the
// attack issue 25 describes) is refused, and no write is acknowledged on its word. Every
// HTTP admin route follows the same rule, in the same four columns.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { Client } from "@tidelog/client";
import { CHANNEL_OPTIONS, loadTidelogProto } from "@tidelog/client/protocol";
import { ERRORS, isTidelogError } from "@tidelog/client/record";
import Fastify from "fastify";
import { type ClusterHandle, startCluster, tempDir, waitFor } from "../../scripts/harness/cluster.js";
import { clusterRoutes } from "../../src/http/cluster-routes.js";
import { groupRoutes } from "../../src/http/group-routes.js";
import { reassignmentRoutes } from "../../src/http/reassignment-routes.js";
import { topicRoutes } from "../../src/http/topic-routes.js";
import { transactionRoutes } from "../../src/http/transaction-routes.js";
import type { MethodRule } from "../../src/server/authorization.js";
import {
  ADMIN_RULES,
  BROKER_RULES,
  GROUP_RULES,
  REPLICATION_RULES,
  TRANSACTION_RULES,
} from "../../src/server/authorization-rules.js";
import { httpsCall, httpsGet, makePki, sslOptions } from "./pki.js";

const proto = loadTidelogProto(grpc) as unknown as {
  tidelog: { v1: Record<string, { type?: { field: Field[] }; service?: Record<string, MethodDefinition> }> };
};

interface Field {
  readonly name: string;
  readonly label: string;
  readonly type: string;
  readonly typeName: string;
}

interface MethodDefinition {
  readonly path: string;
  readonly requestStream: boolean;
  readonly responseStream: boolean;
  readonly requestSerialize: (v: unknown) => Buffer;
  readonly responseDeserialize: (b: Buffer) => unknown;
  readonly requestType: { type: { field: Field[] } };
}

/** A request with every field set: one element per list, "matrix" for names, zeros for numbers. */
function sample(fields: readonly Field[], depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    let value: unknown;
    if (f.type === "TYPE_STRING") value = "matrix";
    else if (f.type === "TYPE_BYTES") value = Buffer.alloc(0);
    else if (f.type === "TYPE_BOOL") value = false;
    else if (f.type === "TYPE_ENUM") continue;
    else if (f.type === "TYPE_MESSAGE") {
      if (depth >= 4) continue;
      const nested = proto.tidelog.v1[f.typeName.split(".").pop() as string]?.type;
      if (!nested) continue;
      value = sample(nested.field, depth + 1);
    } else value = 0;
    out[f.name] = f.label === "LABEL_REPEATED" ? [value] : value;
  }
  return out;
}

/** Every error code anywhere in an answer. */
function codesIn(value: unknown, out: number[] = []): number[] {
  if (Array.isArray(value)) for (const v of value) codesIn(v, out);
  else if (value && typeof value === "object" && !Buffer.isBuffer(value)) {
    const error = (value as { error?: { code?: number } }).error;
    if (error && typeof error.code === "number" && error.code !== 0) out.push(error.code);
    for (const v of Object.values(value)) codesIn(v, out);
  }
  return out;
}

/** Calls one method with a sample request (a stream: one request, its first answer). */
function call(client: grpc.Client, def: MethodDefinition): Promise<unknown> {
  const req = sample(def.requestType.type.field);
  const deadline = Date.now() + 10_000;
  return new Promise((resolve, reject) => {
    if (def.requestStream) {
      const stream = client.makeBidiStreamRequest(
        def.path,
        def.requestSerialize,
        def.responseDeserialize,
        new grpc.Metadata(),
        {
          deadline,
        },
      );
      stream.once("data", (res) => {
        stream.cancel();
        resolve(res);
      });
      stream.once("error", reject);
      stream.write(req);
      return;
    }
    client.makeUnaryRequest(def.path, def.requestSerialize, def.responseDeserialize, req, { deadline }, (e, res) =>
      e ? reject(e) : resolve(res),
    );
  });
}

const REFUSAL = {
  Cluster: ERRORS.CLUSTER_AUTHORIZATION_FAILED.code,
  Topic: ERRORS.TOPIC_AUTHORIZATION_FAILED.code,
  Group: ERRORS.GROUP_AUTHORIZATION_FAILED.code,
  TransactionalId: ERRORS.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code,
} as const;
const AUTHORIZATION_CODES = new Set<number>(Object.values(REFUSAL));

const SERVICES: Record<string, Readonly<Record<string, MethodRule>>> = {
  Broker: BROKER_RULES,
  Replication: REPLICATION_RULES,
  Admin: ADMIN_RULES,
  Group: GROUP_RULES,
  Transaction: TRANSACTION_RULES,
};

async function brokerEpoch(c: ClusterHandle, id: number): Promise<number> {
  const res = await c.etcd.client().get(`/tidelog/${c.clusterId}/brokers/${id}`).exec();
  assert.ok(res.kvs[0], `broker ${id} registered`);
  return Number(res.kvs[0].create_revision);
}

test("the authorizer: brokers replicate as super users; every method refuses other principals with Kafka's codes; a posing replica is refused", async (t) => {
  const dir = tempDir(t, "tidelog-authz-");
  const pki = makePki(dir, "authz");
  const broker = pki.sign("broker");
  const ops = pki.sign("ops");
  const app = pki.sign("app");
  // A certificate another CA signed, naming a super user: with ssl.client.auth=requested it
  // still connects, but an unverified certificate names nobody (User:ANONYMOUS).
  const forged = makePki(join(dir, "forger"), "forger").sign("broker"); // its own directory: same file names
  const c = await startCluster(t, {
    brokers: 3,
    brokerConfig: {
      "security.protocol": "SSL",
      "ssl.certificate.location": broker.cert,
      "ssl.key.location": broker.key,
      "ssl.ca.location": pki.ca,
      // Requested, not required: a client without a certificate connects, as User:ANONYMOUS.
      "ssl.client.auth": "requested",
      "authorizer.class.name": "StandardAuthorizer",
      "super.users": "User:CN=broker;User:CN=ops",
      "min.insync.replicas": "2",
      "replica.lag.time.max.ms": "4000",
    },
  });
  const ssl = (pair?: { cert: string; key: string }) => sslOptions(pki.ca, pair);
  const opsClient = new Client({ brokers: c.bootstrap, ssl: ssl(ops), requestTimeoutMs: 30_000 });
  t.after(() => opsClient.close());
  const admin = opsClient.admin();
  await waitFor(async () => (await admin.describeCluster()).brokers.length === 3, {
    description: "three brokers",
    timeoutMs: 30_000,
  });
  await admin.createTopic({ name: "guarded", partitions: 1, replicationFactor: 3 });
  await waitFor(async () => (await admin.describeTopic("guarded")).partitions.every((p) => p.isr.length === 3), {
    description: "followers in sync: brokers may replicate (ClusterAction as super users)",
    timeoutMs: 30_000,
  });
  const producer = opsClient.producer({ acks: -1 });
  t.after(() => producer.close());
  for (let i = 0; i < 5; i++) await producer.send("guarded", { value: `ok${i}` });

  // The SDK surfaces a refusal as its typed error, without retrying it.
  const appClient = new Client({ brokers: c.bootstrap, ssl: ssl(app), requestTimeoutMs: 5000 });
  t.after(() => appClient.close());
  await assert.rejects(appClient.admin().describeCluster(), (e) => isTidelogError(e, "CLUSTER_AUTHORIZATION_FAILED"));

  // The matrix: every method x {no certificate, not a super user, super user}.
  const address = c.brokers[0]!.address;
  const channel = (pair?: { cert: string; key: string }) =>
    grpc.credentials.createSsl(
      readFileSync(pki.ca),
      pair ? readFileSync(pair.key) : null,
      pair ? readFileSync(pair.cert) : null,
    );
  const as = {
    anonymous: new grpc.Client(address, channel(), CHANNEL_OPTIONS),
    forged: new grpc.Client(address, channel(forged), CHANNEL_OPTIONS),
    app: new grpc.Client(address, channel(app), CHANNEL_OPTIONS),
    ops: new grpc.Client(address, channel(ops), CHANNEL_OPTIONS),
  };
  t.after(() => {
    for (const client of Object.values(as)) client.close();
  });
  let cells = 0;
  for (const [service, rules] of Object.entries(SERVICES)) {
    const methods = proto.tidelog.v1[service]?.service as Record<string, MethodDefinition>;
    assert.deepEqual(Object.keys(rules).sort(), Object.keys(methods).sort(), `${service}: a rule for every method`);
    for (const [method, rule] of Object.entries(rules)) {
      const def = methods[method] as MethodDefinition;
      for (const who of ["anonymous", "forged", "app"] as const) {
        const codes = codesIn(await call(as[who], def));
        assert.ok(
          codes.length > 0 && codes.every((code) => code === REFUSAL[rule.resource]),
          `${service}.${method} as ${who}: expected ${REFUSAL[rule.resource]}, got ${JSON.stringify(codes)}`,
        );
        cells++;
      }
      const codes = codesIn(await call(as.ops, def));
      assert.ok(
        codes.every((code) => !AUTHORIZATION_CODES.has(code)),
        `${service}.${method} as a super user: refused ${JSON.stringify(codes)}`,
      );
      cells++;
    }
  }
  t.diagnostic(`${cells} cells of the gRPC authorization matrix checked`);

  // HTTP: every admin route x {no certificate, not a super user, super user}. The routes
  // are collected by registering the broker's admin route modules on a bare Fastify (their
  // dependencies are only used when a request is handled).
  const routes: { method: string; url: string }[] = [];
  const registry = Fastify();
  registry.addHook("onRoute", (r) => {
    for (const method of [r.method].flat()) if (method !== "HEAD") routes.push({ method, url: r.url });
  });
  const unused = {} as never;
  for (const register of [
    clusterRoutes(unused),
    topicRoutes(unused, unused),
    groupRoutes(() => unused),
    transactionRoutes(() => unused),
    reassignmentRoutes(() => unused),
  ])
    register(registry);
  await registry.ready();
  const adminRoutes = routes.filter((r) => r.url.startsWith("/v1/"));
  assert.ok(adminRoutes.length >= 15, `the admin routes were collected: ${adminRoutes.length}`);
  let restCells = 0;
  const httpPort = c.brokers[0]!.httpPort;
  for (const { method, url } of adminRoutes) {
    const path = url.replace(/:[a-zA-Z]+/g, "matrix");
    for (const who of [{}, forged, app]) {
      const refused = await httpsCall(httpPort, method, path, { ca: pki.ca, ...who });
      assert.equal(refused.status, 403, `${method} ${url} without rights: ${refused.body}`);
      assert.match(refused.body, /CLUSTER_AUTHORIZATION_FAILED/);
      restCells++;
    }
    const admitted = await httpsCall(httpPort, method, path, { ca: pki.ca, ...ops });
    assert.notEqual(admitted.status, 403, `${method} ${url} as a super user: ${admitted.body}`);
    restCells++;
  }
  await registry.close();
  t.diagnostic(`${restCells} cells of the REST authorization matrix checked (${adminRoutes.length} routes)`);

  // HTTP: probes open; the admin API only to super users.
  const port = c.brokers[0]!.httpPort;
  assert.equal((await httpsGet(port, "/healthz", { ca: pki.ca })).status, 200);
  for (const who of [{}, forged, app]) {
    const refused = await httpsGet(port, "/v1/cluster", { ca: pki.ca, ...who });
    assert.equal(refused.status, 403, refused.body);
    assert.match(refused.body, /CLUSTER_AUTHORIZATION_FAILED/);
  }
  assert.equal((await httpsGet(port, "/v1/cluster", { ca: pki.ca, ...ops })).status, 200);
  const metrics = await httpsGet(port, "/metrics", { ca: pki.ca });
  assert.match(
    metrics.body,
    /tidelog_authorization_failures_total\{service="Replication",method="ReplicaFetch",code="CLUSTER_AUTHORIZATION_FAILED"\} [1-9]/,
  );

  // The attack: the followers frozen, a client with a valid certificate claims to be them
  // (right ids, live epochs, caught up). It is refused, and no acks=all write is
  // acknowledged on its word.
  const [state] = (await admin.describeTopic("guarded")).partitions;
  const leaderId = state!.leader as number;
  const followers = c.brokers.filter((b) => b.id !== leaderId);
  const epochs = new Map<number, number>();
  for (const f of followers) epochs.set(f.id, await brokerEpoch(c, f.id));
  for (const f of followers) await f.pause();
  t.after(async () => {
    for (const f of followers) if (f.running) await f.resume().catch(() => {});
  });
  const impostor = new grpc.Client(c.broker(leaderId).address, channel(app), CHANNEL_OPTIONS);
  t.after(() => impostor.close());
  const replicaFetch = proto.tidelog.v1.Replication?.service?.ReplicaFetch as MethodDefinition;
  const pending = producer.send("guarded", { value: "needs two copies" });
  for (const f of followers) {
    const answer = await new Promise<unknown>((resolve, reject) => {
      const stream = impostor.makeBidiStreamRequest(
        replicaFetch.path,
        replicaFetch.requestSerialize,
        replicaFetch.responseDeserialize,
      );
      stream.once("data", (res) => {
        stream.cancel();
        resolve(res);
      });
      stream.once("error", reject);
      stream.write({
        replicaId: f.id,
        brokerEpoch: epochs.get(f.id),
        maxWaitMs: 100,
        minBytes: 1,
        maxBytes: 1 << 20,
        incremental: false,
        partitions: [
          {
            topic: "guarded",
            partition: 0,
            fetchOffset: 1000,
            currentLeaderEpoch: state!.leaderEpoch,
            lastFetchedEpoch: -1,
            maxBytes: 1 << 20,
          },
        ],
      });
    });
    assert.deepEqual(codesIn(answer), [REFUSAL.Cluster], `posing as broker ${f.id}`);
  }
  await assert.rejects(pending, "a write with one live copy is not acknowledged");
});
