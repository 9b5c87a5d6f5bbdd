// SCRAM-SHA-256/512 against real brokers (TLS, the authorizer on, brokers known by their
// certificates): users made through the Admin API act as themselves, within their ACLs;
// a wrong password and an unknown user are refused at once with SASL_AUTHENTICATION_FAILED
// (counted, never a timeout); a token the broker does not know is answered UNAUTHENTICATED;
// a changed credential ends the sessions made with the old one, and a client whose
// password still holds authenticates again without the application noticing.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { Client, isTidelogError } from "@tidelog/client";
import { CHANNEL_OPTIONS, loadTidelogProto } from "@tidelog/client/protocol";
import { startCluster, tempDir, waitFor } from "../../scripts/harness/cluster.js";
import { runCli } from "../cli/run-cli.js";
import { httpsGet, makePki, securedBrokerConfig, sslOptions } from "./pki.js";

test("SCRAM users act as themselves within their ACLs; bad credentials and stale sessions are refused", async (t) => {
  const pki = makePki(tempDir(t, "tidelog-scram-"), "scram");
  const broker = pki.sign("broker");
  const ops = pki.sign("ops");
  const c = await startCluster(t, {
    brokers: 3,
    brokerConfig: {
      // Brokers and operators present certificates; applications authenticate with SCRAM.
      ...securedBrokerConfig(pki.ca, broker, "requested", "User:CN=broker;User:CN=ops"),
      "sasl.enabled.mechanisms": "SCRAM-SHA-256,SCRAM-SHA-512",
    },
  });
  const clients: Client[] = [];
  const client = (options: ConstructorParameters<typeof Client>[0]) => {
    const made = new Client({ brokers: c.bootstrap, requestTimeoutMs: 15_000, ...options });
    clients.push(made);
    return made;
  };
  t.after(async () => {
    for (const made of clients) await made.close();
  });
  const admin = client({ ssl: sslOptions(pki.ca, ops) }).admin();
  await waitFor(async () => (await admin.describeCluster()).brokers.length === 3, {
    description: "three brokers",
    timeoutMs: 30_000,
  });
  await admin.createTopic({ name: "payments", partitions: 3, replicationFactor: 3 });
  await admin.alterUserScramCredentials([
    { user: "alice", mechanism: "SCRAM-SHA-256", password: "alice-secret" },
    { user: "bob", mechanism: "SCRAM-SHA-512", password: "bob-secret", iterations: 8192 },
  ]);
  await admin.createAcls([
    {
      principal: "User:alice",
      resourceType: "Topic",
      resourceName: "payments",
      operation: "Write",
      permission: "ALLOW",
    },
    { principal: "User:bob", resourceType: "Topic", resourceName: "payments", operation: "Read", permission: "ALLOW" },
  ]);
  assert.deepEqual(await admin.describeUserScramCredentials(), [
    { user: "alice", credentials: [{ mechanism: "SCRAM-SHA-256", iterations: 4096 }] },
    { user: "bob", credentials: [{ mechanism: "SCRAM-SHA-512", iterations: 8192 }] },
  ]);

  const ca = { ca: readFileSync(pki.ca) };
  const alice = client({ ssl: ca, sasl: { mechanism: "SCRAM-SHA-256", username: "alice", password: "alice-secret" } });
  // The brokers learn of new users through their watch: the first sends may need a moment.
  const producer = alice.producer({ acks: -1 });
  await waitFor(
    async () => {
      try {
        await producer.send("payments", { value: "p0" });
        return true;
      } catch (e) {
        return { error: String(e) };
      }
    },
    { description: "alice may write payments", timeoutMs: 15_000 },
  );
  for (let i = 1; i < 10; i++) await producer.send("payments", { value: `p${i}` });
  // alice is alice, not a super user: she may not delete the topic.
  await assert.rejects(
    alice.admin().deleteTopic("payments"),
    (e) => isTidelogError(e, "CLUSTER_AUTHORIZATION_FAILED") || isTidelogError(e, "TOPIC_AUTHORIZATION_FAILED"),
  );

  // bob (SCRAM-SHA-512) reads what alice wrote.
  const bob = client({ ssl: ca, sasl: { mechanism: "SCRAM-SHA-512", username: "bob", password: "bob-secret" } });
  const bobReader = bob.consumer({ autoOffsetReset: "earliest", maxWaitMs: 100 });
  bobReader.assign([0, 1, 2].map((partition) => ({ topic: "payments", partition })));
  const seen: string[] = [];
  await bobReader.run({
    eachBatch: (batch) => {
      for (const r of batch.records) seen.push(String(r.value));
      if (seen.length >= 10) bobReader.stop();
    },
  });
  await bobReader.close();
  assert.deepEqual(seen.sort(), Array.from({ length: 10 }, (_, i) => `p${i}`).sort());

  // Refusals: at once, typed, not a timeout; counted.
  for (const sasl of [
    { mechanism: "SCRAM-SHA-256" as const, username: "alice", password: "wrong" },
    { mechanism: "SCRAM-SHA-256" as const, username: "mallory", password: "alice-secret" },
    { mechanism: "SCRAM-SHA-512" as const, username: "alice", password: "alice-secret" },
  ]) {
    const started = performance.now();
    await assert.rejects(client({ ssl: ca, sasl }).admin().listTopics(), (e) =>
      isTidelogError(e, "SASL_AUTHENTICATION_FAILED"),
    );
    assert.ok(performance.now() - started < 10_000, "refused, not timed out");
  }
  const metrics = await httpsGet(c.brokers[0]!.httpPort, "/metrics", { ca: pki.ca });
  assert.match(metrics.body, /tidelog_sasl_authentications_total\{mechanism="SCRAM-SHA-256",result="success"\} [1-9]/);
  assert.match(metrics.body, /tidelog_authorization_failures_total\{[^}]*code="SASL_AUTHENTICATION_FAILED"\} [1-9]/);

  // A token no broker issued: UNAUTHENTICATED, whatever the method.
  const Broker = loadTidelogProto(grpc).tidelog.v1.Broker;
  const raw = new Broker(c.broker(1).address, grpc.credentials.createSsl(readFileSync(pki.ca)), CHANNEL_OPTIONS);
  t.after(() => raw.close());
  const metadata = new grpc.Metadata();
  metadata.set("authorization", "Bearer forged");
  const status = await new Promise<number>((resolve) =>
    raw.Metadata({ topics: [] }, metadata, { deadline: Date.now() + 5000 }, (e) => resolve(e?.code ?? 0)),
  );
  assert.equal(status, grpc.status.UNAUTHENTICATED);

  // The same password under a new salt ends alice's sessions; her client authenticates
  // again on its own, and the application sees nothing.
  await admin.alterUserScramCredentials([{ user: "alice", mechanism: "SCRAM-SHA-256", password: "alice-secret" }]);
  await waitFor(
    async () => {
      try {
        await producer.send("payments", { value: "after-rotation" });
        return true;
      } catch (e) {
        return { error: String(e) };
      }
    },
    { description: "alice writes again after her credential was renewed", timeoutMs: 15_000 },
  );
  // A new password: the old client's sessions end and its password no longer holds.
  await admin.alterUserScramCredentials([{ user: "alice", mechanism: "SCRAM-SHA-256", password: "rotated" }]);
  await waitFor(
    async () => {
      try {
        await alice.admin().listTopics();
        return false;
      } catch (e) {
        return isTidelogError(e, "SASL_AUTHENTICATION_FAILED") || { error: String(e) };
      }
    },
    { description: "the old password is refused once the brokers have the new credential", timeoutMs: 15_000 },
  );
  const rotated = client({ ssl: ca, sasl: { mechanism: "SCRAM-SHA-256", username: "alice", password: "rotated" } });
  await rotated.producer({ acks: -1 }).send("payments", { value: "new password" });

  // The CLI: users from standard input (never argv), and connecting as a SCRAM user.
  const cli = (argv: string[], env: Record<string, string> = {}, stdin?: string) =>
    runCli(["--bootstrap", c.bootstrap, "--timeout", "15000", ...argv], {
      env,
      ...(stdin === undefined
        ? {}
        : {
            stdin: (async function* () {
              yield Buffer.from(stdin);
            })(),
          }),
    });
  const asOps = ["--ssl-ca", pki.ca, "--ssl-cert", ops.cert, "--ssl-key", ops.key];
  const created = await cli([...asOps, "users", "create", "carol", "--mechanism", "SCRAM-SHA-512"], {}, "carol-pw\n");
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /Set the SCRAM-SHA-512 credential of carol/);
  assert.equal((await cli([...asOps, "users", "create", "dave"], {}, "")).code, 2, "no password, nothing sent");
  const listed = JSON.parse((await cli([...asOps, "users", "list", "--json"])).stdout);
  assert.ok(listed.users.some((u: { user: string }) => u.user === "carol"));
  await admin.createAcls([
    {
      principal: "User:carol",
      resourceType: "Cluster",
      resourceName: "kafka-cluster",
      operation: "Describe",
      permission: "ALLOW",
    },
  ]);
  const asCarol = ["--ssl-ca", pki.ca, "--sasl-username", "carol", "--sasl-mechanism", "SCRAM-SHA-512"];
  const noPassword = await cli([...asCarol, "cluster", "describe"]);
  assert.equal(noPassword.code, 2);
  assert.match(noPassword.stderr, /TIDELOG_SASL_PASSWORD/);
  await waitFor(
    async () => (await cli([...asCarol, "cluster", "describe"], { TIDELOG_SASL_PASSWORD: "carol-pw" })).code === 0,
    {
      description: "carol describes the cluster with the CLI",
      timeoutMs: 15_000,
    },
  );
  const wrong = await cli([...asCarol, "cluster", "describe"], { TIDELOG_SASL_PASSWORD: "nope" });
  assert.equal(wrong.code, 1, wrong.stderr);
  assert.match(wrong.stderr, /SASL_AUTHENTICATION_FAILED/);
  // HTTPS admin API: Basic credentials of a SCRAM user, checked against the same credential.
  const http = (authorization: string) =>
    httpsGet(c.brokers[0]!.httpPort, "/v1/cluster", { ca: pki.ca, headers: { authorization } });
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  assert.equal((await http(basic("carol", "carol-pw"))).status, 200, "carol may describe the cluster");
  assert.equal((await http(basic("carol", "carol-pw"))).status, 200, "again, from the cache of checked passwords");
  for (const refused of [basic("carol", "nope"), basic("nobody", "carol-pw"), "Bearer forged", "Basic %%%"]) {
    const answer = await http(refused);
    assert.equal(answer.status, 401, `${refused}: ${answer.body}`);
    assert.match(answer.body, /SASL_AUTHENTICATION_FAILED/);
  }
  assert.equal((await http(basic("alice", "rotated"))).status, 403, "alice is known, but may not describe the cluster");
  assert.equal((await cli([...asOps, "users", "delete", "carol"])).code, 0);

  // Deleting bob's credential: bob is refused.
  await admin.alterUserScramCredentials([{ user: "bob", mechanism: "SCRAM-SHA-512", delete: true }]);
  assert.deepEqual(
    (await admin.describeUserScramCredentials()).map((u) => u.user),
    ["alice"],
  );
});
