// Brokers reach a locked-down etcd (issue 25): etcd speaks TLS only and requires client
// certificates its CA signed (--client-cert-auth), and has password authentication on,
// with a `tidelog` user whose role may read and write the /tidelog/ prefix only. Three
// brokers given the CA, a client certificate and that user's password (from the
// environment) form a cluster that serves produce and consume; a client without a
// certificate, with a certificate but no password, or with a wrong password gets nothing
// from etcd.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { Client } from "@tidelog/client";
import { Etcd3, type IOptions } from "etcd3";
import { startCluster, startEtcd, tempDir, waitFor } from "../../scripts/harness/cluster.js";
import { makePki } from "./pki.js";

const ROOT_PASSWORD = "root-secret";
const BROKER_PASSWORD = "broker-secret";

test("brokers use etcd over TLS with client certificates and a password; etcd refuses everyone else", async (t) => {
  const dir = tempDir(t, "tidelog-etcd-tls-");
  const pki = makePki(dir, "etcd");
  const server = pki.sign("etcd");
  const brokerPair = pki.sign("broker");
  const etcd = await startEtcd(t, { tls: { cert: server.cert, key: server.key, ca: pki.ca } });
  const endpoint = etcd.endpoints[0] as string;
  assert.match(endpoint, /^https:\/\//);

  // etcd's auth: root, and a tidelog user limited to the brokers' prefix.
  const setup = etcd.client();
  await setup.user("root").create(ROOT_PASSWORD);
  await setup.user("root").addRole("root");
  await setup.role("tidelog").create();
  await setup.role("tidelog").grant({ permission: "Readwrite", range: setup.range({ prefix: "/tidelog/" }) });
  await setup.user("tidelog").create(BROKER_PASSWORD);
  await setup.user("tidelog").addRole("tidelog");
  await setup.auth.authEnable();

  const c = await startCluster(t, {
    etcd,
    brokers: 3,
    brokerConfig: {
      "etcd.ssl.ca.location": pki.ca,
      "etcd.ssl.certificate.location": brokerPair.cert,
      "etcd.ssl.key.location": brokerPair.key,
      "etcd.username": "tidelog",
      "min.insync.replicas": "2",
    },
    // The password from the environment, as docs/operations.md recommends (flags show in ps).
    env: { TIDELOG_ETCD_PASSWORD: BROKER_PASSWORD },
  });
  const client = new Client({ brokers: c.bootstrap, requestTimeoutMs: 30_000 });
  t.after(() => client.close());
  const admin = client.admin();
  await waitFor(async () => (await admin.describeCluster()).brokers.length === 3, {
    description: "three brokers registered in the secured etcd",
    timeoutMs: 30_000,
  });
  await admin.createTopic({ name: "locked", partitions: 2, replicationFactor: 3 });
  await waitFor(async () => (await admin.describeTopic("locked")).partitions.every((p) => p.isr.length === 3), {
    description: "the topic led and in sync",
    timeoutMs: 30_000,
  });
  const producer = client.producer({ acks: -1 });
  t.after(() => producer.close());
  for (let i = 0; i < 10; i++) await producer.send("locked", { value: `v${i}`, partition: i % 2 });
  // acks=all with min.insync.replicas=2: the followers replicated through the secured control plane.

  // Everyone else: refused by etcd.
  const ca = readFileSync(pki.ca);
  const attempt = async (options: Omit<IOptions, "hosts">, why: string) => {
    const intruder = new Etcd3({ hosts: [endpoint], dialTimeout: 3000, ...options });
    try {
      await assert.rejects(intruder.getAll().prefix("/tidelog/").keys(), why);
    } finally {
      intruder.close();
    }
  };
  await attempt({ credentials: { rootCertificate: ca } }, "no client certificate");
  const withCertificate = {
    credentials: {
      rootCertificate: ca,
      privateKey: readFileSync(brokerPair.key),
      certChain: readFileSync(brokerPair.cert),
    },
  };
  await attempt(withCertificate, "a client certificate but no password (its CN is no etcd user)");
  await attempt({ ...withCertificate, auth: { username: "tidelog", password: "guess" } }, "a wrong password");
  await attempt({}, "plaintext to a TLS endpoint");
});
