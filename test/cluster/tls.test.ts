// TLS on the brokers' gRPC listeners and between brokers (security.protocol=SSL), with
// certificates made here by openssl: three brokers requiring client certificates
// (ssl.client.auth=required) replicate to each other over TLS (acks=all writes need the
// followers); a client with a certificate from the cluster's CA produces and consumes,
// through the SDK and the CLI; a plaintext client, a client trusting another CA, and a
// client without a certificate are refused; the HTTP API is HTTPS, its probes open to all and
// its admin routes only to certificate holders; a broker's certificate rotated on disk is
// served to new connections without a restart. Bad TLS settings stop a broker at start-up.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { connect } from "node:tls";
import { Client, isTidelogError, type SslOptions } from "@tidelog/client";
import { startCluster, tempDir, waitFor } from "../../scripts/harness/cluster.js";
import { runCli } from "../cli/run-cli.js";
import { httpsGet, makePki, securedBrokerConfig, sslOptions } from "./pki.js";

/** The serial number of the certificate a TLS server presents now. */
function servedSerial(port: number, ssl: { ca: string; cert: string; key: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(
      {
        host: "127.0.0.1",
        port,
        ca: readFileSync(ssl.ca),
        cert: readFileSync(ssl.cert),
        key: readFileSync(ssl.key),
        ALPNProtocols: ["h2"],
      },
      () => {
        const serial = socket.getPeerCertificate().serialNumber;
        socket.end();
        resolve(serial);
      },
    );
    socket.on("error", reject);
  });
}

test("TLS between brokers and to clients: mutual TLS required, wrong CA and plaintext refused, rotation without a restart", async (t) => {
  const dir = tempDir(t, "tidelog-tls-");
  const pki = makePki(dir, "cluster");
  const broker = pki.sign("broker");
  const client = pki.sign("client");
  const other = makePki(dir, "other");
  const stranger = other.sign("stranger");
  const c = await startCluster(t, {
    brokers: 3,
    brokerConfig: {
      ...securedBrokerConfig(pki.ca, broker, "required"),
      "ssl.refresh.interval.ms": "1000",
      "min.insync.replicas": "2",
    },
  });
  const ssl = sslOptions;
  const good = new Client({ brokers: c.bootstrap, ssl: ssl(pki.ca, client), requestTimeoutMs: 30_000 });
  t.after(() => good.close());
  const admin = good.admin();
  await waitFor(async () => (await admin.describeCluster()).brokers.length === 3, {
    description: "three brokers over TLS",
    timeoutMs: 30_000,
  });
  await admin.createTopic({ name: "secure", partitions: 2, replicationFactor: 3 });
  await waitFor(async () => (await admin.describeTopic("secure")).partitions.every((p) => p.isr.length === 3), {
    description: "followers in sync over TLS",
    timeoutMs: 30_000,
  });
  const producer = good.producer({ acks: -1 });
  t.after(() => producer.close());
  for (let i = 0; i < 20; i++) await producer.send("secure", { value: `s${i}`, partition: i % 2 });

  const cli = await runCli([
    "--bootstrap",
    c.bootstrap,
    "--timeout",
    "10000",
    "--ssl-ca",
    pki.ca,
    "--ssl-cert",
    client.cert,
    "--ssl-key",
    client.key,
    "consume",
    "secure",
    "--partition",
    "0",
    "--from-beginning",
    "--count",
    "10",
  ]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal(cli.stdout.trim().split("\n").length, 10);

  // HTTPS on the HTTP port: probes answer anyone; the admin API needs a client certificate.
  const port = c.brokers[0]!.httpPort;
  assert.equal((await httpsGet(port, "/healthz", { ca: pki.ca })).status, 200);
  const anonymous = await httpsGet(port, "/v1/cluster", { ca: pki.ca });
  assert.equal(anonymous.status, 401, anonymous.body);
  assert.match(anonymous.body, /SASL_AUTHENTICATION_FAILED/);
  const admitted = await httpsGet(port, "/v1/cluster", { ca: pki.ca, ...client });
  assert.equal(admitted.status, 200, admitted.body);
  assert.equal(JSON.parse(admitted.body).brokers.length, 3);
  const foreign = await httpsGet(port, "/v1/cluster", { ca: pki.ca, ...stranger });
  assert.equal(foreign.status, 401, "a certificate another CA signed is no credential");

  // Refused: plaintext, a client trusting another CA, a client certificate from another CA, none at all.
  // A certificate problem is said plainly, at once (not retried until the deadline).
  const refused = async (options: { ssl?: SslOptions }, why: string, says?: RegExp) => {
    const bad = new Client({ brokers: c.bootstrap, requestTimeoutMs: 3000, attemptTimeoutMs: 1000, ...options });
    try {
      await assert.rejects(
        bad.admin().describeCluster(),
        (e: Error) =>
          says === undefined ||
          (isTidelogError(e, "SASL_AUTHENTICATION_FAILED") && says.test(e.message)) ||
          assert.fail(`${why}: ${e.message}`),
        why,
      );
    } finally {
      await bad.close();
    }
  };
  await refused({}, "plaintext");
  await refused({ ssl: ssl(other.ca, client) }, "trusting another CA", /not signed by a CA this client trusts/);
  // grpc-js reports this one only as "Failed to connect": nothing tells it from a network fault.
  await refused({ ssl: ssl(pki.ca, stranger) }, "a certificate another CA signed");
  await refused({ ssl: ssl(pki.ca) }, "no client certificate", /requires a client certificate/);
  const plain = await runCli(["--bootstrap", c.bootstrap, "--timeout", "3000", "cluster", "describe"]);
  assert.equal(plain.code, 3, `the CLI without TLS cannot reach the cluster: ${plain.stderr}`);

  // Rotation: a new certificate written over the files is served within the refresh interval.
  const pair = { ca: pki.ca, ...client };
  const before = await servedSerial(c.brokers[0]!.grpcPort, pair);
  const rotated = pki.sign("broker-rotated");
  writeFileSync(broker.key, readFileSync(rotated.key));
  writeFileSync(broker.cert, readFileSync(rotated.cert));
  await waitFor(async () => (await servedSerial(c.brokers[0]!.grpcPort, pair)) !== before, {
    description: "the rotated certificate served",
    timeoutMs: 15_000,
  });
  for (let i = 20; i < 30; i++) await producer.send("secure", { value: `s${i}`, partition: i % 2 });
  assert.equal((await admin.describeCluster()).brokers.length, 3, "the cluster kept working through the rotation");
});

test("bad TLS settings stop a broker at start-up with the setting named", async (t) => {
  const dir = tempDir(t, "tidelog-tls-bad-");
  const missing = join(dir, "nope.pem");
  const notPem = join(dir, "not.pem");
  writeFileSync(notPem, "hello");
  for (const [config, message] of [
    [{ "security.protocol": "SSL" }, /needs ssl.certificate.location/],
    [{ "security.protocol": "SSL", "ssl.certificate.location": missing, "ssl.key.location": missing }, /cannot read/],
    [
      { "security.protocol": "SSL", "ssl.certificate.location": notPem, "ssl.key.location": notPem },
      /holds no PEM certificate/,
    ],
    [{ "ssl.ca.location": notPem }, /security.protocol is PLAINTEXT/],
  ] as const) {
    await assert.rejects(startCluster(t, { brokers: 1, brokerConfig: config, readyTimeoutMs: 15_000 }), message);
  }
});
