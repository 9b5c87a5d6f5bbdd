// Controller fencing against a real etcd: a controller that was deposed without noticing
// (its election key vanished, as when its lease expires during a pause) has every write
// refused by etcd, steps down, and leaves the metadata exactly as the new controller
// wrote it.
//
// How: two Controller instances in this process, each with its own etcd client and
// metadata watch. A wins; the test deletes A's election key behind its back; B is
// elected; A, still believing it leads, is asked to create a topic.
import assert from "node:assert/strict";
import { test } from "node:test";
import { isTidelogError } from "@tidelog/client/record";
import { startEtcd, waitFor } from "../../scripts/harness/cluster.js";
import { keys } from "../../src/cluster/metadata-records.js";
import { MetadataStore, MetadataWatch } from "../../src/cluster/metadata-store.js";
import { systemClock } from "../../src/common/clock.js";
import { silentLogger } from "../../src/common/logger.js";
import { testController, withHeldWatches } from "./controller-fixture.js";

const CLUSTER = "fencing";

async function controllerFor(endpoints: readonly string[], brokerId: number) {
  const store = new MetadataStore({ endpoints, clusterId: CLUSTER, logger: silentLogger, requestTimeoutMs: 3000 });
  const held = withHeldWatches(store);
  const watch = new MetadataWatch(held.store, silentLogger, { resyncIntervalMs: 60_000, clock: systemClock });
  await watch.start();
  const controller = testController(held.store, watch, brokerId, systemClock);
  const close = async () => {
    await controller.stop();
    await watch.close();
    store.close();
  };
  return { controller, watch, store, held, close };
}

test("a deposed controller cannot write, steps down, and changes nothing", async (t) => {
  const etcd = await startEtcd(t);
  const raw = etcd.client();
  const prefix = `/tidelog/${CLUSTER}/`;
  for (const id of [1, 2]) {
    await raw
      .put(prefix + keys.broker(id))
      .value(JSON.stringify({ id, host: "127.0.0.1", port: 9000 + id, httpPort: 0, rack: null, startedAtMs: 0 }));
  }
  const a = await controllerFor(etcd.endpoints, 1);
  // Released inside the test, while etcd still runs: the harness stops etcd after the test.
  let b: Awaited<ReturnType<typeof controllerFor>> | null = null;
  try {
    a.controller.start();
    await waitFor(() => a.controller.isActive, { timeoutMs: 10_000, description: "A elected" });
    const second = await controllerFor(etcd.endpoints, 2);
    b = second;
    second.controller.start();

    // Depose A behind its back: its election key disappears as if its lease had expired,
    // and A's watch is slow to tell it (a controller that sees its key go campaigns again).
    a.held.hold();
    const candidates = await raw
      .getAll()
      .prefix(prefix + keys.electionPrefix)
      .strings();
    const aKey = Object.entries(candidates).find(([, v]) => v === "1")?.[0];
    assert.ok(aKey, "A's election key exists");
    await raw.delete().key(aKey);
    await waitFor(() => second.controller.isActive, { timeoutMs: 10_000, description: "B elected" });
    assert.ok(a.controller.isActive, "A has not noticed yet: exactly the dangerous window");
    assert.ok(second.controller.epoch > a.controller.epoch, "the controller epoch grows");

    const [fromA] = await a.controller.createTopics(
      [{ name: "from-a", partitions: 1, replicationFactor: 1, configs: {} }],
      false,
    );
    assert.ok(
      fromA && !fromA.ok && isTidelogError(fromA.error, "NOT_CONTROLLER"),
      `A's write was refused: ${JSON.stringify(fromA)}`,
    );
    assert.equal(a.controller.isActive, false, "A stepped down");
    assert.equal(await raw.get(prefix + keys.topic("from-a")).string(), null, "nothing written by A");

    const [fromB] = await second.controller.createTopics(
      [{ name: "from-b", partitions: 2, replicationFactor: 2, configs: {} }],
      false,
    );
    assert.ok(fromB?.ok, `B writes: ${JSON.stringify(fromB)}`);
    await waitFor(
      async () =>
        (
          await raw
            .getAll()
            .prefix(prefix + keys.topicPartitionsPrefix("from-b"))
            .keys()
        ).length === 2,
      {
        timeoutMs: 5000,
        description: "B created both partition states",
      },
    );
  } finally {
    await b?.close();
    await a.close();
  }
});
