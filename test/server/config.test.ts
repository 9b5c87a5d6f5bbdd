// Broker configuration at the edge: precedence (defaults < file < env < flags), Kafka
// names translated once, and every bad input refused with a message naming the setting.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { isTidelogError } from "@tidelog/client/record";
import { configHelp, loadBrokerConfig } from "../../src/server/config.js";
import { makePki } from "../cluster/pki.js";

test("flags override the environment, which overrides the file, which overrides defaults", () => {
  const config = loadBrokerConfig({
    argv: ["--config", "/etc/broker.properties", "--grpc.port=7000"],
    env: { TIDELOG_GRPC_PORT: "6000", TIDELOG_LOG_DIRS: "/env/data", TIDELOG_BOOTSTRAP: "ignored:1" },
    readFile: () => "# comment\nbroker.id = 4\ngrpc.port=5000\nlog.dirs=/file/data\nnum.partitions=3\n",
  });
  assert.equal(config.brokerId, 4);
  assert.equal(config.grpcPort, 7000);
  assert.equal(config.dataDir, "/env/data");
  assert.equal(config.numPartitions, 3);
  assert.equal(config.brokerSessionTimeoutMs, 9000, "default");
});

test("broker-level log defaults use Kafka's names and reach the topic defaults", () => {
  const config = loadBrokerConfig({
    argv: ["--broker.id=1", "--log.retention.ms=1000", "--message.max.bytes=2048"],
    env: {},
  });
  assert.equal(config.logDefaults.retentionMs, 1000);
  assert.equal(config.logDefaults.maxMessageBytes, 2048);
});

test("a JSON config file works too", () => {
  const config = loadBrokerConfig({
    argv: ["--config=/b.json"],
    env: {},
    readFile: () => '{"broker.id": 2, "broker.rack": "r1"}',
  });
  assert.equal(config.brokerId, 2);
  assert.equal(config.rack, "r1");
});

for (const [argv, pattern] of [
  [[], /broker.id is required/],
  [["--broker.id=x"], /broker.id: must be integer/],
  [["--broker.id=1", "--brokr.rack=a"], /unknown setting 'brokr.rack'/],
  [["--broker.id=1", "--grpc.port=70000"], /grpc.port: must be <= 65535/],
  [["--broker.id=1", "--etcd.endpoints=localhost"], /not a URL/],
  [["--broker.id=1", "--log.retention.ms=soon"], /log.retention.ms: retention.ms=soon is not an integer/],
  [["--broker.id=1", "--log.segment.bytes=1024", "--message.max.bytes=4096"], /must not exceed segment.bytes/],
  [["broker.id=1"], /settings are given as --name=value/],
  [["--broker.id"], /needs a value/],
] as [string[], RegExp][]) {
  test(`refuses ${JSON.stringify(argv)} with INVALID_CONFIG`, () => {
    assert.throws(
      () => loadBrokerConfig({ argv, env: {} }),
      (e) => isTidelogError(e, "INVALID_CONFIG") && pattern.test(e.message),
    );
  });
}

test("the authorizer needs client certificates and super users; bad principal settings are refused", () => {
  const dir = mkdtempSync(join(tmpdir(), "tidelog-config-tls-"));
  try {
    const pki = makePki(dir, "config");
    const broker = pki.sign("broker");
    const ssl = [
      "--security.protocol=SSL",
      `--ssl.certificate.location=${broker.cert}`,
      `--ssl.key.location=${broker.key}`,
      `--ssl.ca.location=${pki.ca}`,
    ];
    const load = (...argv: string[]) => loadBrokerConfig({ argv: ["--broker.id=1", ...argv], env: {} });
    const refused = (argv: string[], pattern: RegExp) =>
      assert.throws(
        () => load(...argv),
        (e) => isTidelogError(e, "INVALID_CONFIG") && pattern.test(e.message),
      );
    const on = ["--authorizer.class.name=StandardAuthorizer", "--super.users=User:CN=broker"];
    refused(on, /needs principals from client certificates/);
    refused([...ssl, ...on], /needs principals from client certificates/);
    refused(
      [...ssl, "--ssl.client.auth=required", "--authorizer.class.name=StandardAuthorizer"],
      /super.users is empty/,
    );
    refused(["--authorizer.class.name=AclAuthorizer"], /authorizer.class.name: must match/);
    refused(["--super.users=CN=broker"], /super.users: "CN=broker" is not a principal/);
    refused(["--ssl.principal.mapping.rules=RULE:^CN=(.*)$"], /ssl.principal.mapping.rules: .* misses a "\/"/);
    const config = load(...ssl, "--ssl.client.auth=required", ...on);
    assert.deepEqual(config.superUsers, ["User:CN=broker"]);
    assert.equal(load().superUsers, null, "no authorizer: nothing is checked");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--help lists every setting with its default", () => {
  const help = configHelp();
  for (const name of ["--broker.id", "--log.dirs", "--broker.session.timeout.ms", "--log.retention.ms"])
    assert.match(help, new RegExp(name));
  assert.match(help, /TIDELOG_<NAME>/);
});
