// The fence a broker keeps while etcd may have dropped it: up from the start and from a
// lost lease, down once it has registered and reconciled its replicas with metadata read
// after that. A reconcile that fails (etcd away again right after the broker registered)
// must be tried again: left failed, the broker stayed registered, alive to the
// controller, and fenced for good, so every partition it led refused every request (the
// whole-broker simulation's seeds 215, 388 and 2414).
import assert from "node:assert/strict";
import { test } from "node:test";
import { InMemoryEtcd } from "../../src/cluster/in-memory-metadata-kv.js";
import { ManualClock } from "../../src/common/clock.js";
import { silentLogger } from "../../src/common/logger.js";
import { BrokerSession } from "../../src/server/broker-session.js";
import { LogManager } from "../../src/storage/log-manager.js";
import { smallConfig, tempDir } from "../storage/fixtures.js";

test("a reconcile that fails after registering is tried again until the fence lifts", async (t) => {
  const clock = new ManualClock();
  const etcd = new InMemoryEtcd(clock);
  const logs = LogManager.open({
    dataDir: tempDir(t),
    defaultConfig: smallConfig(),
    clock,
    logger: silentLogger,
    openFilesMax: 8,
  });
  t.after(() => logs.abandon());
  const session = new BrokerSession();
  let failuresLeft = 3;
  let reconciles = 0;
  let fenceChanges = 0;
  const registered = session.register({
    store: etcd.connect(),
    record: { id: 1, host: "h", port: 9001, httpPort: 0, rack: null, startedAtMs: 0 },
    sessionTimeoutMs: 3_000,
    clock,
    logger: silentLogger,
    reconcile: async () => {
      reconciles++;
      if (failuresLeft-- > 0) throw new Error("etcd unreachable");
    },
    onFenceChange: () => fenceChanges++,
    storage: logs.health,
    registerTimeoutMs: 10_000,
  });
  await clock.advanceAsync(100, 10);
  const registration = await registered;
  t.after(() => registration.deregister());
  assert.equal(session.isFenced(), true, "the first reconcile failed: still fenced");
  await clock.advanceAsync(5_000, 50);
  assert.equal(reconciles, 4, "tried again, with a growing backoff, until it succeeded");
  assert.equal(session.isFenced(), false, "then the fence lifted");
  assert.equal(fenceChanges, 1);
});
