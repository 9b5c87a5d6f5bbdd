/**
 * The real broker process against the contract the harness and `npm start` rely on:
 * the "broker started" line with the ports it really listens on, exit 0 soon after
 * SIGTERM, exit 2 with a message on stderr for a bad setting, and a restart on the same
 * data directory after SIGKILL. Runs the broker from source (src/server/main.ts via tsx).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  createScope,
  type EtcdHandle,
  isAlive,
  startBroker,
  startCluster,
  startEtcd,
} from "../../scripts/harness/cluster.js";

/** Short etcd sessions, so a broker restarted after SIGKILL is not held up by its old lease. */
const FAST = { "broker.session.timeout.ms": "3000", "controller.session.timeout.ms": "3000" };
/** The contract: a clean exit "within about 10 s" of SIGTERM. */
const SHUTDOWN_BOUND_MS = 10_000;

describe("the broker process", () => {
  const scope = createScope();
  let etcd: EtcdHandle;
  before(async () => {
    etcd = await startEtcd(scope);
  });
  after(() => scope.close());

  test("logs a ready line naming the ports it listens on, as pino JSON", async (t) => {
    // Proves: readiness as the harness sees it (it checks the ports accept connections)
    // and the ready line's fields.
    const broker = await startBroker(t, { id: 1, etcd, clusterId: "contract-ready", config: FAST });
    const ready = await broker.waitForLog("broker started", 1_000);
    assert.equal(ready.json?.brokerId, 1);
    assert.equal(ready.json?.host, "127.0.0.1");
    assert.equal(ready.json?.grpcPort, broker.grpcPort);
    assert.equal(typeof ready.json?.httpPort, "number");
    assert.equal(typeof ready.json?.level, "number");
    assert.equal(typeof ready.json?.time, "number");
  });

  test("SIGTERM ends it with exit 0 within the bound", async (t) => {
    // Proves: graceful shutdown is prompt, so stop() and `npm start`'s Ctrl-C never need SIGKILL.
    const broker = await startBroker(t, { id: 1, etcd, clusterId: "contract-stop", config: FAST });
    const started = Date.now();
    const stopped = await broker.stop("SIGTERM", SHUTDOWN_BOUND_MS);
    assert.deepEqual(stopped, { code: 0, signal: null, forced: false });
    assert.ok(Date.now() - started < SHUTDOWN_BOUND_MS);
  });

  test("a bad setting is exit 2 with a message on stderr", async (t) => {
    // Proves: configuration errors are told apart from runtime failures, and explained.
    await assert.rejects(startBroker(t, { id: 1, etcd, config: { "no.such.setting": "1" } }), (error: Error) => {
      assert.match(error.message, /exit code 2 \(a configuration error\)/);
      assert.match(error.message, /\(stderr\) .*no\.such\.setting/);
      return true;
    });
  });

  test("after SIGKILL it restarts on the same data directory and ports", async (t) => {
    // Proves: the crash-and-restart cycle fault tests are built on: the same broker comes
    // back (same id, data, address) while its previous etcd session may still be alive.
    const broker = await startBroker(t, { id: 1, etcd, clusterId: "contract-restart", config: FAST });
    const before = { pid: broker.pid, address: broker.address };
    assert.equal((await broker.kill()).signal, "SIGKILL");
    await broker.restart();
    assert.notEqual(broker.pid, before.pid);
    assert.equal(broker.address, before.address);
    assert.equal(isAlive(before.pid), false);
  });
});

test("a three-broker cluster starts and stops completely", async (t) => {
  // Proves: startCluster with real brokers: three ready brokers, then nothing left running.
  const cluster = await startCluster(t, { brokers: 3, brokerConfig: FAST });
  assert.equal(new Set(cluster.brokers.map((b) => b.address)).size, 3);
  const pids = [cluster.etcd.pid, ...cluster.brokers.map((b) => b.pid)];
  await cluster.stop();
  for (const pid of pids) assert.equal(isAlive(pid), false);
  for (const broker of cluster.brokers) assert.equal(broker.exit?.code ?? broker.exit?.signal, 0);
});
