// The HTTP API's forwarder of admin writes to the controller. Proves: when the broker's
// watched metadata names no controller yet (its watch has not seen the election), the
// forwarder looks in a fresh read and forwards there, instead of answering 503 for a write
// it could have delivered (a CI run hit this just after start-up); when neither names a
// controller, the answer is NOT_CONTROLLER, retriable.
import assert from "node:assert/strict";
import { test } from "node:test";
import { isTidelogError } from "@tidelog/client";
import type { wire } from "@tidelog/client/protocol";
import { type MetadataEntry, MetadataImage } from "../../src/cluster/metadata-image.js";
import { silentLogger } from "../../src/common/logger.js";
import { ControllerForwarder } from "../../src/http/controller-forwarder.js";
import { startFakeCluster } from "../sdk/fake-admin-server.js";

function image(entries: Record<string, unknown>): MetadataImage {
  const list: MetadataEntry[] = Object.entries(entries).map(([key, value], i) => ({
    key,
    value: String(typeof value === "string" ? value : JSON.stringify(value)),
    modRevision: i + 1,
    createRevision: i + 1,
  }));
  return MetadataImage.fromEntries(list, list.length, silentLogger);
}

const CREATE = {
  topics: [{ name: "orders", numPartitions: 1, replicationFactor: 1, configs: [] }],
  validateOnly: false,
};

test("a write is forwarded to the controller a fresh read names when the watched metadata names none yet", async (t) => {
  const fake = await startFakeCluster(t, { brokers: 1, controller: 1 });
  const controller = fake.broker(1);
  const empty = image({});
  const fresh = image({
    "brokers/1": { id: 1, host: "127.0.0.1", port: controller.port, httpPort: 0, rack: null, startedAtMs: 0 },
    "election/controller/lease-1": "1",
  });
  let freshReads = 0;
  const forwarder = new ControllerForwarder(
    () => empty,
    async () => {
      freshReads++;
      return fresh;
    },
  );
  t.after(() => forwarder.close());
  const res = await forwarder.forward<wire.CreateTopicsResponse__Output>("CreateTopics", CREATE);
  assert.equal(freshReads, 1);
  assert.deepEqual(
    controller.calls.map((c) => c.method),
    ["CreateTopics"],
    "the write reached the controller",
  );
  assert.equal(res.results[0]?.name, "orders");
});

test("with no controller in the watched metadata nor in a fresh read: NOT_CONTROLLER, retriable", async () => {
  const forwarder = new ControllerForwarder(
    () => image({}),
    async () => image({}),
  );
  await assert.rejects(
    forwarder.forward("CreateTopics", CREATE),
    (e: unknown) => isTidelogError(e) && e.code === "NOT_CONTROLLER" && e.retriable,
  );
  forwarder.close();
});
