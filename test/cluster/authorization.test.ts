// The authorizer on real brokers (authorizer.class.name=StandardAuthorizer, principals
// from client certificates, ACLs in etcd). Three brokers whose own principal is a super
// user replicate to each other; then every gRPC method of every service is called with
// no certificate, with a super user's name on a certificate another CA signed, with a
// certificate of a principal that holds no ACL, with one that holds exactly the ACLs the
// method's rule names for the request, with one that holds those and a DENY of the same,
// and as a super user: the first three and the fifth are refused with the method's Kafka
// authorization code, the fourth and the last are not (SaslAuthenticate, open to all, is
// admitted in every column). A seventh gRPC column carries a SASL session token no broker
// issued (what a client with a wrong password would have at best): UNAUTHENTICATED for
// every method. Every HTTP admin route follows the same rule in the first six columns, and
// a seventh sends a SCRAM user's name with a wrong password (Basic): 401. A client posing as the frozen followers with a
// valid certificate (the attack issue 25 describes) is refused, and no write is
// acknowledged on its word. The second test proves the ACLs' behaviour: a change applies
// within a second on every broker, metadata hides undescribable topics, prefixes work.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { type AclBinding, Client } from "@tidelog/client";
import { CHANNEL_OPTIONS, loadTidelogProto } from "@tidelog/client/protocol";
import { ERRORS, isTidelogError } from "@tidelog/client/record";
import Fastify from "fastify";
import { type ClusterHandle, startCluster, tempDir, waitFor } from "../../scripts/harness/cluster.js";
import { forEachBounded } from "../../src/common/bounded-parallel.js";
import { aclRoutes } from "../../src/http/acl-routes.js";
import { clusterRoutes } from "../../src/http/cluster-routes.js";
import { groupRoutes } from "../../src/http/group-routes.js";
import { reassignmentRoutes } from "../../src/http/reassignment-routes.js";
import { topicRoutes } from "../../src/http/topic-routes.js";
import { transactionRoutes } from "../../src/http/transaction-routes.js";
import type { HttpRouteRule, ResourceCheck } from "../../src/server/authorization.js";
import {
  ADMIN_RULES,
  BROKER_RULES,
  GROUP_RULES,
  HTTP_RULES,
  REPLICATION_RULES,
  TRANSACTION_RULES,
} from "../../src/server/authorization-rules.js";
import { httpsCall, httpsGet, makePki, securedBrokerConfig, sslOptions } from "./pki.js";

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
  readonly requestDeserialize: (b: Buffer) => unknown;
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

/** Calls one method with a sample request (a stream: one request, its first answer); `token`: a SASL session's. */
function call(client: grpc.Client, def: MethodDefinition, token?: string): Promise<unknown> {
  const req = sample(def.requestType.type.field);
  const deadline = Date.now() + 10_000;
  const metadata = new grpc.Metadata();
  if (token !== undefined) metadata.set("authorization", `Bearer ${token}`);
  return new Promise((resolve, reject) => {
    if (def.requestStream) {
      const stream = client.makeBidiStreamRequest(def.path, def.requestSerialize, def.responseDeserialize, metadata, {
        deadline,
      });
      stream.once("data", (res) => {
        stream.cancel();
        resolve(res);
      });
      stream.once("error", reject);
      stream.write(req);
      return;
    }
    client.makeUnaryRequest(
      def.path,
      def.requestSerialize,
      def.responseDeserialize,
      req,
      metadata,
      { deadline },
      (e, res) => (e ? reject(e) : resolve(res)),
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
/** Methods (and routes) whose cells are checked at once: the cells are mostly waits on one broker. */
const CELLS_IN_PARALLEL = 8;
const REFUSAL_NAME = {
  Cluster: "CLUSTER_AUTHORIZATION_FAILED",
  Topic: "TOPIC_AUTHORIZATION_FAILED",
  Group: "GROUP_AUTHORIZATION_FAILED",
  TransactionalId: "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
} as const;

/** What the matrix reads of a method's rule: the checks a request needs (its request type erased). */
interface MatrixRule {
  readonly checks: (request: never) => readonly ResourceCheck[];
}

const SERVICES: Record<string, Readonly<Record<string, MatrixRule>>> = {
  Broker: BROKER_RULES,
  Replication: REPLICATION_RULES,
  Admin: ADMIN_RULES,
  Group: GROUP_RULES,
  Transaction: TRANSACTION_RULES,
};

/**
 * The ACLs that grant exactly what `checks` need: one ALLOW per check, on the name the
 * request gives (a check on "any" resource of a type, or on a name the request leaves
 * empty, is granted on "matrix", the name every sample uses). Methods that answer per
 * topic instead of refusing (Metadata, DescribeTopics) check nothing up front; the
 * matrix's sample names topic "matrix", which they need to Describe.
 */
function exactAcls(principal: string, checks: readonly ResourceCheck[], describes: boolean): AclBinding[] {
  const granted = checks.map((c) => (c.name === "" && c.orElse ? c.orElse : c));
  if (describes) granted.push({ operation: "Describe", resource: "Topic", name: "matrix" });
  return granted.map((c) => ({
    principal,
    resourceType: c.resource,
    resourceName: c.name === null || c.name === "" ? "matrix" : c.name,
    operation: c.operation,
    permission: "ALLOW",
  }));
}

/** The exact ACLs, each with a DENY of the same beside it: DENY wins. */
function deniedAcls(principal: string, checks: readonly ResourceCheck[], describes: boolean): AclBinding[] {
  const allows = exactAcls(principal, checks, describes);
  return [...allows, ...allows.map((a) => ({ ...a, permission: "DENY" as const }))];
}

/** The code a refused call answers: its first check's resource's, or a topic's for per-topic answers. */
function refusalOf(checks: readonly ResourceCheck[]): keyof typeof REFUSAL {
  return checks[0]?.resource ?? "Topic";
}

/** Methods anyone may call: authentication itself. */
const OPEN_TO_ALL = new Set(["Broker.SaslAuthenticate"]);

/** Methods that check nothing up front and answer a named topic the caller may not Describe in its place. */
const DESCRIBES_PER_TOPIC = new Set(["Broker.Metadata", "Admin.DescribeTopics"]);

async function brokerEpoch(c: ClusterHandle, id: number): Promise<number> {
  const res = await c.etcd.client().get(`/tidelog/${c.clusterId}/brokers/${id}`).exec();
  assert.ok(res.kvs[0], `broker ${id} registered`);
  return Number(res.kvs[0].create_revision);
}

test("the authorizer: brokers replicate as super users; every method and route admits exactly what its ACLs allow, refuses the rest with Kafka's codes; a posing replica is refused", async (t) => {
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
      // Requested, not required: a client without a certificate connects, as User:ANONYMOUS.
      ...securedBrokerConfig(pki.ca, broker, "requested", "User:CN=broker;User:CN=ops"),
      // SASL on, for the column of a forged session token (SCRAM itself: scram.test.ts).
      "sasl.enabled.mechanisms": "SCRAM-SHA-256",
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
  // A short delivery timeout: the attack below waits for its one write to fail, not be acknowledged.
  const producer = opsClient.producer({ acks: -1, requestTimeoutMs: 4000, deliveryTimeoutMs: 8000 });
  t.after(() => producer.close());
  for (let i = 0; i < 5; i++) await producer.send("guarded", { value: `ok${i}` });

  // The SDK surfaces a refusal as its typed error, without retrying it.
  const appClient = new Client({ brokers: c.bootstrap, ssl: ssl(app), requestTimeoutMs: 5000 });
  t.after(() => appClient.close());
  await assert.rejects(appClient.admin().describeCluster(), (e) => isTidelogError(e, "CLUSTER_AUTHORIZATION_FAILED"));

  // The matrix's ACL columns: for each method (and each REST route below), one principal
  // with exactly the ACLs its rule names for the sample request, and one with those and
  // a DENY of each. Their certificates and ACLs are made up front; the ACLs are added in
  // one call, the DENYing principals' first, so once the last exact one is in force on
  // broker 0 (the exact column waits for that), every ACL before it is too (a watch
  // applies etcd's changes in order) and the deny column cannot pass for want of an ACL.
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
  interface GrpcCell {
    readonly service: string;
    readonly method: string;
    readonly def: MethodDefinition;
    readonly checks: readonly ResourceCheck[];
    readonly exact: grpc.Client;
    readonly denied: grpc.Client;
  }
  const grpcCells: GrpcCell[] = [];
  const exactBindings: AclBinding[] = [];
  const deniedBindings: AclBinding[] = [];
  for (const [service, rules] of Object.entries(SERVICES)) {
    const methods = proto.tidelog.v1[service]?.service as Record<string, MethodDefinition>;
    assert.deepEqual(Object.keys(rules).sort(), Object.keys(methods).sort(), `${service}: a rule for every method`);
    for (const [method, rule] of Object.entries(rules)) {
      const def = methods[method] as MethodDefinition;
      // The request as the broker's handler sees it (defaults filled in, camelCase).
      const request = def.requestDeserialize(def.requestSerialize(sample(def.requestType.type.field)));
      const checks = rule.checks(request as never);
      const describes = DESCRIBES_PER_TOPIC.has(`${service}.${method}`);
      const exact = pki.sign(`exact-${service}.${method}`);
      const denied = pki.sign(`denied-${service}.${method}`);
      exactBindings.push(...exactAcls(`User:CN=exact-${service}.${method}`, checks, describes));
      deniedBindings.push(...deniedAcls(`User:CN=denied-${service}.${method}`, checks, describes));
      const exactClient = new grpc.Client(address, channel(exact), CHANNEL_OPTIONS);
      const deniedClient = new grpc.Client(address, channel(denied), CHANNEL_OPTIONS);
      t.after(() => {
        exactClient.close();
        deniedClient.close();
      });
      grpcCells.push({ service, method, def, checks, exact: exactClient, denied: deniedClient });
    }
  }
  // REST: every admin route, collected by registering the broker's admin route modules on
  // a bare Fastify (their dependencies are only used when a request is handled).
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
    aclRoutes(unused),
  ])
    register(registry);
  await registry.ready();
  const adminRoutes = routes.filter((r) => r.url.startsWith("/v1/"));
  assert.ok(adminRoutes.length >= 18, `the admin routes were collected: ${adminRoutes.length}`);
  const restCellsToCheck = adminRoutes.map(({ method, url }, i) => {
    const rule = HTTP_RULES[`${method} ${url}`] as HttpRouteRule;
    assert.ok(rule, `${method} ${url} has a rule`);
    const params = Object.fromEntries([...url.matchAll(/:([a-zA-Z]+)/g)].map((m) => [m[1] as string, "matrix"]));
    const checks = rule.checks({ params, query: {}, body: method === "GET" || method === "DELETE" ? undefined : {} });
    const exact = pki.sign(`rest-exact-${i}`);
    const denied = pki.sign(`rest-denied-${i}`);
    exactBindings.push(...exactAcls(`User:CN=rest-exact-${i}`, checks, false));
    deniedBindings.push(...deniedAcls(`User:CN=rest-denied-${i}`, checks, false));
    return { method, url, path: url.replace(/:[a-zA-Z]+/g, "matrix"), checks, exact, denied };
  });
  await registry.close();
  await admin.createAcls([...deniedBindings, ...exactBindings]);

  // Methods are checked CELLS_IN_PARALLEL at a time: each cell only tells an authorization
  // refusal from anything else, so what another method's admitted call changes (a topic
  // deleted, a group joined) cannot turn one cell into another.
  let cells = 0;
  await forEachBounded(grpcCells, CELLS_IN_PARALLEL, async ({ service, method, def, checks, exact, denied }) => {
    const expected = REFUSAL[refusalOf(checks)];
    // Open to everyone (authenticating): admitted in every column.
    const open = OPEN_TO_ALL.has(`${service}.${method}`);
    const refusedAs = (codes: number[]) =>
      open
        ? codes.every((code) => !AUTHORIZATION_CODES.has(code))
        : codes.length > 0 && codes.every((code) => code === expected);
    for (const who of ["anonymous", "forged", "app"] as const) {
      const codes = codesIn(await call(as[who], def));
      assert.ok(
        refusedAs(codes),
        `${service}.${method} as ${who}: expected ${open ? "admitted" : expected}, got ${JSON.stringify(codes)}`,
      );
      cells++;
    }
    // A SASL token no broker issued (a wrong password gets none): UNAUTHENTICATED, before anything else.
    await assert.rejects(
      call(as.app, def, "forged-token"),
      (e: grpc.ServiceError) => e.code === grpc.status.UNAUTHENTICATED,
      `${service}.${method} with a forged SASL token`,
    );
    cells++;
    // The exact ACLs: admitted (waiting, the first time, for the ACLs to reach broker 0).
    await waitFor(
      async () => {
        const codes = codesIn(await call(exact, def));
        return codes.every((code) => !AUTHORIZATION_CODES.has(code)) || { refused: codes };
      },
      { description: `${service}.${method} with exactly the ACLs it needs`, timeoutMs: 10_000, intervalMs: 50 },
    ).then(
      (ok) => assert.equal(ok, true, `${service}.${method} with the exact ACLs: refused ${JSON.stringify(ok)}`),
      (e: unknown) => assert.fail(`${service}.${method} with the exact ACLs: ${(e as Error).message}`),
    );
    cells++;
    const deniedCodes = codesIn(await call(denied, def));
    assert.ok(
      refusedAs(deniedCodes),
      `${service}.${method} with the ACLs and a DENY of each: expected ${expected}, got ${JSON.stringify(deniedCodes)}`,
    );
    cells++;
    const codes = codesIn(await call(as.ops, def));
    assert.ok(
      codes.every((code) => !AUTHORIZATION_CODES.has(code)),
      `${service}.${method} as a super user: refused ${JSON.stringify(codes)}`,
    );
    cells++;
  });
  t.diagnostic(`${cells} cells of the gRPC authorization matrix checked (${grpcCells.length} methods x 7)`);

  let restCells = 0;
  const httpPort = c.brokers[0]!.httpPort;
  // The seventh REST column: a SCRAM user's name with a wrong password (Basic, over HTTPS).
  await admin.alterUserScramCredentials([{ user: "matrix-user", mechanism: "SCRAM-SHA-256", password: "right" }]);
  const wrongPassword = { headers: { authorization: `Basic ${Buffer.from("matrix-user:wrong").toString("base64")}` } };
  await forEachBounded(restCellsToCheck, CELLS_IN_PARALLEL, async ({ method, url, path, checks, exact, denied }) => {
    const expected = REFUSAL_NAME[refusalOf(checks)];
    const unauthenticated = await httpsCall(httpPort, method, path, { ca: pki.ca, ...wrongPassword });
    assert.equal(unauthenticated.status, 401, `${method} ${url} with a wrong password: ${unauthenticated.body}`);
    assert.match(unauthenticated.body, /SASL_AUTHENTICATION_FAILED/);
    restCells++;
    for (const who of [{}, forged, app, denied]) {
      const refused = await httpsCall(httpPort, method, path, { ca: pki.ca, ...who });
      assert.equal(refused.status, 403, `${method} ${url} without rights: ${refused.body}`);
      assert.match(refused.body, new RegExp(expected));
      restCells++;
    }
    for (const who of [exact, ops]) {
      const admitted = await httpsCall(httpPort, method, path, { ca: pki.ca, ...who });
      assert.notEqual(admitted.status, 403, `${method} ${url} as ${who.cert}: ${admitted.body}`);
      restCells++;
    }
  });
  t.diagnostic(
    `${restCells} cells of the REST authorization matrix checked (${restCellsToCheck.length} routes x 7); ${cells + restCells} in all`,
  );

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

/** DescribeTopics as `client` sees it at one broker: each topic's name and error code. */
function describeTopicsAt(client: grpc.Client, topics: string[]): Promise<{ name: string; code: number }[]> {
  const def = proto.tidelog.v1.Admin?.service?.DescribeTopics as MethodDefinition;
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(
      def.path,
      def.requestSerialize,
      def.responseDeserialize,
      { topics },
      { deadline: Date.now() + 5000 },
      (e, res) =>
        e
          ? reject(e)
          : resolve(
              (res as { topics: { name: string; error?: { code: number } }[] }).topics.map((t) => ({
                name: t.name,
                code: t.error?.code ?? 0,
              })),
            ),
    ),
  );
}

/** Metadata as `client` sees it: the topics listed, with their error codes. */
function metadataAt(client: grpc.Client, topics: string[]): Promise<{ name: string; code: number }[]> {
  const def = proto.tidelog.v1.Broker?.service?.Metadata as MethodDefinition;
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(
      def.path,
      def.requestSerialize,
      def.responseDeserialize,
      { topics },
      { deadline: Date.now() + 5000 },
      (e, res) =>
        e
          ? reject(e)
          : resolve(
              (res as { topics: { name: string; error?: { code: number } }[] }).topics.map((t) => ({
                name: t.name,
                code: t.error?.code ?? 0,
              })),
            ),
    ),
  );
}

/** Until `allowed(broker)` holds on every broker; each broker's wait in ms. */
async function untilEveryBroker(
  brokers: readonly grpc.Client[],
  allowed: (client: grpc.Client) => Promise<boolean>,
  limitMs: number,
): Promise<number[]> {
  const started = performance.now();
  return Promise.all(
    brokers.map(async (client) => {
      for (;;) {
        if (await allowed(client)) return performance.now() - started;
        if (performance.now() - started > limitMs * 5) return Number.POSITIVE_INFINITY;
        await new Promise((r) => setTimeout(r, 20));
      }
    }),
  );
}

test("ACLs: a change applies within a second on every broker; metadata hides what a principal may not describe; prefixes match", async (t) => {
  const dir = tempDir(t, "tidelog-acls-");
  const pki = makePki(dir, "acls");
  const broker = pki.sign("broker");
  const ops = pki.sign("ops");
  const reader = pki.sign("reader");
  const writer = pki.sign("writer");
  const c = await startCluster(t, {
    brokers: 3,
    brokerConfig: {
      ...securedBrokerConfig(pki.ca, broker, "required", "User:CN=broker;User:CN=ops"),
    },
  });
  const opsClient = new Client({ brokers: c.bootstrap, ssl: sslOptions(pki.ca, ops), requestTimeoutMs: 30_000 });
  t.after(() => opsClient.close());
  const admin = opsClient.admin();
  await waitFor(async () => (await admin.describeCluster()).brokers.length === 3, {
    description: "three brokers",
    timeoutMs: 30_000,
  });
  await admin.createTopic({ name: "visible", partitions: 1, replicationFactor: 1 });
  await admin.createTopic({ name: "hidden", partitions: 1, replicationFactor: 1 });
  const credentials = grpc.credentials.createSsl(
    readFileSync(pki.ca),
    readFileSync(reader.key),
    readFileSync(reader.cert),
  );
  const readers = c.brokers.map((b) => new grpc.Client(b.address, credentials, CHANNEL_OPTIONS));
  t.after(() => {
    for (const r of readers) r.close();
  });
  const mayDescribe = async (client: grpc.Client) => (await describeTopicsAt(client, ["visible"]))[0]?.code === 0;
  for (const r of readers) assert.equal(await mayDescribe(r), false, "no ACL: refused");

  // An ACL added at one broker is in force at every broker within a second.
  const grant = {
    principal: "User:CN=reader",
    resourceType: "Topic",
    resourceName: "visible",
    operation: "Describe",
    permission: "ALLOW",
  } as const;
  await admin.createAcls([grant]);
  const addedMs = await untilEveryBroker(readers, mayDescribe, 1000);
  t.diagnostic(`ACL in force after ${addedMs.map((ms) => ms.toFixed(0)).join(", ")} ms`);
  assert.ok(
    addedMs.every((ms) => ms < 1000),
    `in force on every broker within a second: ${addedMs.join(", ")}`,
  );
  assert.deepEqual(
    (await admin.describeAcls({ principal: "User:CN=reader" })).map((b) => b.resourceName),
    ["visible"],
  );

  // Metadata and listings hide the topic the reader may not Describe; naming it is refused.
  for (const r of readers) {
    const all = await metadataAt(r, []);
    assert.deepEqual(
      all.map((tp) => tp.name),
      ["visible"],
      "every topic: only the describable one",
    );
    assert.deepEqual(await metadataAt(r, ["hidden"]), [
      { name: "hidden", code: ERRORS.TOPIC_AUTHORIZATION_FAILED.code },
    ]);
    assert.deepEqual(await describeTopicsAt(r, ["visible", "hidden"]), [
      { name: "visible", code: 0 },
      { name: "hidden", code: ERRORS.TOPIC_AUTHORIZATION_FAILED.code },
    ]);
  }
  const readerClient = new Client({ brokers: c.bootstrap, ssl: sslOptions(pki.ca, reader), requestTimeoutMs: 5000 });
  t.after(() => readerClient.close());
  assert.deepEqual(
    (await readerClient.admin().listTopics()).map((tp) => tp.name),
    ["visible"],
  );

  // Groups are listed as Kafka lists them: all with Describe on the cluster, else those the caller may Describe.
  for (const groupId of ["g-visible", "g-hidden"]) {
    const member = opsClient.consumer({ groupId });
    member.assign([{ topic: "visible", partition: 0 }]);
    await member.commit([{ topic: "visible", partition: 0, offset: 0 }]);
    await member.close();
  }
  await admin.createAcls([{ ...grant, resourceType: "Group", resourceName: "g-visible" }]);
  const groupsOf = async (client: Client) => (await client.admin().listGroups()).groups.map((g) => g.groupId).sort();
  await waitFor(
    async () => {
      const listed = await groupsOf(readerClient).catch((e: Error) => [e.message]);
      return JSON.stringify(listed) === JSON.stringify(["g-visible"]) || { listed, all: await groupsOf(opsClient) };
    },
    {
      description: "the reader lists only the group it may describe",
      timeoutMs: 10_000,
    },
  );
  assert.deepEqual(await groupsOf(opsClient), ["g-hidden", "g-visible"], "a super user lists them all");

  // A removal is in force everywhere within a second too; the delete answers what it removed.
  const [removed] = await admin.deleteAcls([{ principal: "User:CN=reader", resourceType: "Topic" }]);
  assert.deepEqual(
    removed?.map((b) => b.resourceName),
    ["visible"],
  );
  const removedMs = await untilEveryBroker(readers, async (r) => !(await mayDescribe(r)), 1000);
  assert.ok(
    removedMs.every((ms) => ms < 1000),
    `removed on every broker within a second: ${removedMs.join(", ")}`,
  );

  // A prefixed ACL: Write on every topic named "vis..." lets the writer produce there
  // (IdempotentWrite and Describe follow from Write), and nowhere else.
  await admin.createAcls([
    {
      principal: "User:CN=writer",
      resourceType: "Topic",
      resourceName: "vis",
      patternType: "PREFIXED",
      operation: "Write",
      permission: "ALLOW",
    },
  ]);
  const writerClient = new Client({ brokers: c.bootstrap, ssl: sslOptions(pki.ca, writer), requestTimeoutMs: 5000 });
  t.after(() => writerClient.close());
  const producer = writerClient.producer();
  t.after(() => producer.close());
  await waitFor(
    () =>
      producer.send("visible", { value: "by prefix" }).then(
        () => true,
        () => false,
      ),
    { description: "the prefixed ACL lets the writer produce to 'visible'", timeoutMs: 10_000 },
  );
  await assert.rejects(producer.send("hidden", { value: "no" }), (e) =>
    isTidelogError(e, "TOPIC_AUTHORIZATION_FAILED"),
  );
});
