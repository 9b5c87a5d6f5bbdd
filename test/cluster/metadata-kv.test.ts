// The metadata store seam (src/cluster/metadata-kv.ts) held to one contract on both of its
// sides: MetadataStore on a real etcd server, and the in-memory store a simulation runs
// brokers on (on a ManualClock, so its leases expire without waiting). The same cases
// run against each: compare-and-swap transactions and revisions, watches from a past
// revision, leases that keep their keys while kept alive and take them when they end,
// elections by etcd's recipe; then the real Controller's fencing on the in-memory store
// (controller-fencing.test.ts runs it on etcd): a deposed controller writes nothing.
import assert from "node:assert/strict";
import { test } from "node:test";
import { isTidelogError } from "@tidelog/client/record";
import { startEtcd, waitFor } from "../../scripts/harness/cluster.js";
import { InMemoryEtcd } from "../../src/cluster/in-memory-metadata-kv.js";
import { etcdIsrWriter, ISR_CHANGES_PER_TXN_MAX } from "../../src/cluster/isr-writer.js";
import type { Versioned } from "../../src/cluster/metadata-image.js";
import type { KvEvent, MetadataKv } from "../../src/cluster/metadata-kv.js";
import { keys, type PartitionState } from "../../src/cluster/metadata-records.js";
import { METADATA_READ_PAGE_KEYS, MetadataStore, MetadataWatch } from "../../src/cluster/metadata-store.js";
import { type Clock, ManualClock, systemClock } from "../../src/common/clock.js";
import { silentLogger } from "../../src/common/logger.js";
import { testController } from "./controller-fixture.js";

interface Side {
  /** Two clients of one store (two brokers). */
  readonly a: MetadataKv;
  readonly b: MetadataKv;
  /** Lets `ms` of the store's time pass (and what it schedules run). */
  readonly pass: (ms: number) => Promise<void>;
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

async function until(check: () => boolean | Promise<boolean>, side: Side, what: string, ms = 10_000): Promise<void> {
  for (let waited = 0; waited <= ms; waited += 100) {
    if (await check()) return;
    await side.pass(100);
  }
  assert.fail(`${what}: not within ${ms} ms`);
}

/** The contract, case by case; each runs on a fresh store. */
const CASES: readonly { readonly name: string; readonly run: (side: Side) => Promise<void> }[] = [
  {
    name: "a transaction applies only when its compares hold; each write is a new revision",
    run: async (side) => {
      const { a, b } = side;
      const created = await a.txn([{ key: "k", target: "Create", value: 0 }], [{ kind: "put", key: "k", value: "1" }]);
      assert.equal(created.succeeded, true);
      const entry = await b.get("k");
      assert.deepEqual(entry, {
        key: "k",
        value: "1",
        modRevision: created.revision,
        createRevision: created.revision,
      });
      const again = await b.txn(
        [{ key: "k", target: "Create", value: 0 }],
        [{ kind: "put", key: "k", value: "2" }],
        "k",
      );
      assert.equal(again.succeeded, false);
      assert.equal(again.elseEntry?.value, "1", "the else branch reads the key");
      const cas = await b.txn(
        [{ key: "k", target: "Mod", value: created.revision }],
        [
          { kind: "put", key: "k", value: "3" },
          { kind: "put", key: "other", value: "x" },
        ],
      );
      assert.ok(cas.succeeded && cas.revision > created.revision);
      assert.deepEqual(await a.get("k"), {
        key: "k",
        value: "3",
        modRevision: cas.revision,
        createRevision: created.revision,
      });
      assert.equal((await a.get("other"))?.modRevision, cas.revision, "one revision for the whole transaction");
      const stale = await a.txn([{ key: "k", target: "Mod", value: created.revision }], [{ kind: "delete", key: "k" }]);
      assert.equal(stale.succeeded, false, "a stale mod revision refuses");
      await a.txn([{ key: "k", target: "Mod", value: cas.revision }], [{ kind: "deletePrefix", prefix: "" }]);
      assert.deepEqual((await b.getAll("")).entries, []);
    },
  },
  {
    name: "a full read returns every key at one revision, however many (MetadataStore reads in pages)",
    run: async (side) => {
      const { a, b } = side;
      const count = METADATA_READ_PAGE_KEYS + 500;
      for (let i = 0; i < count; i += 100) {
        const ops = Array.from({ length: Math.min(100, count - i) }, (_, j) => ({
          kind: "put" as const,
          key: `many/${String(i + j).padStart(5, "0")}`,
          value: "v".repeat(200),
        }));
        await a.txn([{ key: "many-guard", target: "Create", value: 0 }], ops);
      }
      await a.txn(
        [{ key: "zz-outside", target: "Create", value: 0 }],
        [{ kind: "put", key: "zz-outside", value: "x" }],
      );
      const read = await b.getAll("many/");
      assert.equal(read.entries.length, count);
      assert.deepEqual(
        read.entries.map((e) => e.key),
        Array.from({ length: count }, (_, i) => `many/${String(i).padStart(5, "0")}`),
        "every key once, in order",
      );
      assert.equal((await b.getAll("")).entries.length, count + 1, "the whole namespace too");
    },
  },
  {
    name: "a watch reports every change under its prefix from a past revision on, deletes included",
    run: async (side) => {
      const { a, b } = side;
      const first = await a.txn(
        [{ key: "w/1", target: "Create", value: 0 }],
        [{ kind: "put", key: "w/1", value: "one" }],
      );
      await a.txn([{ key: "x", target: "Create", value: 0 }], [{ kind: "put", key: "x", value: "outside" }]);
      const seen: KvEvent[] = [];
      const watch = await b.watch("w/", first.revision, {
        onEvents: (events) => seen.push(...events),
        onDisconnected: () => {},
        onConnected: () => {},
        onError: (err) => assert.fail(err),
      });
      try {
        await a.txn([{ key: "w/1", target: "Mod", value: first.revision }], [{ kind: "delete", key: "w/1" }]);
        await a.txn([{ key: "w/2", target: "Create", value: 0 }], [{ kind: "put", key: "w/2", value: "two" }]);
        await until(() => seen.length >= 3, side, "three events");
        assert.deepEqual(
          seen.map((e) => [e.key, e.value]),
          [
            ["w/1", "one"],
            ["w/1", null],
            ["w/2", "two"],
          ],
        );
        const revisions = seen.map((e) => e.modRevision);
        assert.deepEqual(
          revisions,
          [...revisions].sort((x, y) => x - y),
          "in revision order",
        );
      } finally {
        await watch.cancel();
      }
    },
  },
  {
    name: "a lease keeps its keys while kept alive, and takes them when it ends",
    run: async (side) => {
      const { a, b } = side;
      const lease = a.lease(1);
      const lost: Error[] = [];
      let answered = 0;
      lease.onLost((err) => lost.push(err));
      lease.onKeepaliveAnswered(() => answered++);
      const id = await lease.grant();
      await a.txn([{ key: "l", target: "Create", value: 0 }], [{ kind: "put", key: "l", value: "v", leaseId: id }]);
      await side.pass(2500);
      assert.ok(await b.get("l"), "kept alive past its TTL");
      assert.ok(answered > 0, "keep-alives answered");
      lease.release();
      await until(async () => (await b.get("l")) === null, side, "the key goes with the lease", 10_000);
      assert.deepEqual(lost, [], "released, not lost");

      const second = a.lease(5);
      const secondId = await second.grant();
      await a.txn(
        [{ key: "m", target: "Create", value: 0 }],
        [{ kind: "put", key: "m", value: "v", leaseId: secondId }],
      );
      await second.revoke();
      assert.equal(await b.get("m"), null, "revoked: gone at once");
    },
  },
  {
    name: "an election leads with its oldest candidate; when it resigns the next one leads",
    run: async (side) => {
      const { a, b } = side;
      const elected: string[] = [];
      const handlers = (name: string) => ({
        onElected: () => elected.push(name),
        onError: (err: Error) => assert.fail(err),
      });
      const first = a.campaign("contract", 5, "first", handlers("first"));
      await until(() => elected.length === 1, side, "the first candidate elected");
      const second = b.campaign("contract", 5, "second", handlers("second"));
      const secondKey = await second.key();
      await side.pass(500);
      assert.deepEqual(elected, ["first"], "the second waits");
      const firstKey = await first.key();
      assert.ok(firstKey.startsWith("election/contract/") && secondKey.startsWith("election/contract/"));
      const firstCreated = (await b.get(firstKey))?.createRevision ?? -1;
      await first.resign();
      await until(() => elected.length === 2, side, "the second candidate elected");
      assert.deepEqual(elected, ["first", "second"]);
      assert.ok(((await a.get(secondKey))?.createRevision ?? -1) > firstCreated, "terms grow");
      await second.resign();
    },
  },
  {
    // Not the seam itself but its largest transactions: etcd refuses more than
    // --max-txn-ops (128) operations, and one refused compare fails them all.
    name: "the ISR writer puts many partitions in one transaction and finds the one refused",
    run: async (side) => {
      const { a, b } = side;
      const count = 2 * ISR_CHANGES_PER_TXN_MAX + 22;
      const state = (i: number) => ({ topicId: "id", leader: 1, leaderEpoch: 1, isr: [1, 2, 3], partitionEpoch: i });
      for (let i = 0; i < count; i += 100) {
        const puts = Array.from({ length: Math.min(100, count - i) }, (_, j) => ({
          kind: "put" as const,
          key: keys.partition("t", i + j),
          value: JSON.stringify(state(i + j)),
        }));
        assert.ok(
          (
            await a.txn(
              puts.map((op) => ({ key: op.key, target: "Create", value: 0 })),
              puts,
            )
          ).succeeded,
        );
      }
      const read = async () =>
        new Map(
          (await b.getAll("partitions/")).entries.map((e) => [
            e.key,
            { value: JSON.parse(e.value) as PartitionState, modRevision: e.modRevision },
          ]),
        );
      const before = await read();
      // Someone else (the controller) changes partition 5 after the leader read it.
      const five = before.get(keys.partition("t", 5))?.modRevision ?? -1;
      await b.txn(
        [{ key: keys.partition("t", 5), target: "Mod", value: five }],
        [{ kind: "put", key: keys.partition("t", 5), value: JSON.stringify({ ...state(5), leaderEpoch: 2 }) }],
      );
      const changes = Array.from({ length: count }, (_, i) => ({
        topic: "t",
        partition: i,
        current: before.get(keys.partition("t", i)) as Versioned<PartitionState>,
        isr: [1, 2],
        joiningEpochs: new Map<number, number>(),
        minIsr: 1,
      }));
      const written = await etcdIsrWriter(a)(changes);
      assert.deepEqual(
        written.flatMap((w, i) => (w ? [] : [i])),
        [5],
        "only the change made against an old state is refused",
      );
      const after = await read();
      const revisions = new Set<number>();
      for (let i = 0; i < count; i++) {
        const s = after.get(keys.partition("t", i));
        if (i === 5) {
          assert.equal(s?.value.leaderEpoch, 2, "the controller's write stands");
          continue;
        }
        assert.deepEqual(s?.value.isr, [1, 2]);
        assert.equal(s?.value.partitionEpoch, i + 1);
        if (i >= ISR_CHANGES_PER_TXN_MAX) revisions.add(s?.modRevision ?? -1);
      }
      assert.equal(revisions.size, 2, "the batches without a refused change went in one write each");
    },
  },
];

test("MetadataStore on etcd keeps the metadata store contract", async (t) => {
  const etcd = await startEtcd(t);
  const stores: MetadataStore[] = [];
  t.after(() => {
    for (const s of stores) s.close();
  });
  for (const [i, c] of CASES.entries()) {
    // A namespace per case, so the cases do not see each other's keys.
    const open = () => {
      const clusterId = `contract-${i}`;
      const s = new MetadataStore({
        endpoints: etcd.endpoints,
        clusterId,
        logger: silentLogger,
        requestTimeoutMs: 3000,
      });
      stores.push(s);
      return s;
    };
    await t.test(c.name, () => c.run({ a: open(), b: open(), pass: (ms) => new Promise((r) => setTimeout(r, ms)) }));
  }
});

test("the in-memory store keeps the same contract, on a manual clock", async (t) => {
  for (const c of CASES) {
    const clock = new ManualClock();
    const etcd = new InMemoryEtcd(clock);
    const pass = async (ms: number) => {
      await settle();
      await clock.advanceAsync(ms, 50);
      await settle();
    };
    await t.test(c.name, () => c.run({ a: etcd.connect(), b: etcd.connect(), pass }));
  }
});

test("the in-memory store: a client cut off misses changes, hears of the disconnect, and loses its lease after a TTL", async () => {
  const clock = new ManualClock();
  const etcd = new InMemoryEtcd(clock);
  const a = etcd.connect();
  const b = etcd.connect();
  const log: string[] = [];
  await b.watch("", 1, {
    onEvents: (events) => log.push(...events.map((e) => `${e.key}=${e.value}`)),
    onDisconnected: () => log.push("disconnected"),
    onConnected: () => log.push("connected"),
    onError: (err) => assert.fail(err),
  });
  const lease = b.lease(3);
  const lost: string[] = [];
  lease.onLost((err) => lost.push(err.message));
  const id = await lease.grant();
  await b.txn([{ key: "reg", target: "Create", value: 0 }], [{ kind: "put", key: "reg", value: "b", leaseId: id }]);
  await settle();
  b.setReachable(false);
  await assert.rejects(b.get("reg"), /unreachable/);
  await a.txn([{ key: "x", target: "Create", value: 0 }], [{ kind: "put", key: "x", value: "1" }]);
  await clock.advanceAsync(3100, 100);
  await settle();
  assert.equal(await a.get("reg"), null, "its registration expired at the store");
  assert.equal(lost.length, 1, "and its holder was told");
  b.setReachable(true);
  await settle();
  assert.deepEqual(log, ["reg=b", "disconnected", "connected"], "nothing delivered while cut off");
});

test("the real Controller on the in-memory store: a deposed controller's write is refused and it steps down", async (t) => {
  const etcd = new InMemoryEtcd(systemClock);
  const seed = etcd.connect();
  for (const id of [1, 2]) {
    const record = JSON.stringify({ id, host: "127.0.0.1", port: 9000 + id, httpPort: 0, rack: null, startedAtMs: 0 });
    await seed.txn(
      [{ key: keys.broker(id), target: "Create", value: 0 }],
      [{ kind: "put", key: keys.broker(id), value: record }],
    );
  }
  const controllerOn = async (store: MetadataKv, brokerId: number, clock: Clock) => {
    const watch = new MetadataWatch(store, silentLogger, { resyncIntervalMs: 60_000, clock });
    await watch.start();
    const controller = testController(store, watch, brokerId, clock);
    t.after(async () => {
      await controller.stop();
      await watch.close();
    });
    return controller;
  };
  const aConnection = etcd.connect();
  const a = await controllerOn(aConnection, 1, systemClock);
  a.start();
  await waitFor(() => a.isActive, { timeoutMs: 5000, description: "A elected" });
  const b = await controllerOn(etcd.connect(), 2, systemClock);
  b.start();
  // A's watch is slow to tell it it was deposed (a controller that sees its key go
  // campaigns again at once): the window in which only the fence stands.
  aConnection.setWatchDelay(60_000);
  const candidates = await seed.getAll(keys.electionPrefix);
  const aKey = candidates.entries.find((e) => e.value === "1")?.key;
  assert.ok(aKey, "A's election key exists");
  await seed.txn(
    [{ key: aKey, target: "Mod", value: candidates.entries.find((e) => e.key === aKey)?.modRevision ?? 0 }],
    [{ kind: "delete", key: aKey }],
  );
  await waitFor(() => b.isActive, { timeoutMs: 5000, description: "B elected" });
  assert.ok(a.isActive, "A has not noticed yet");
  assert.ok(b.epoch > a.epoch, "the controller epoch grows");
  const [fromA] = await a.createTopics([{ name: "from-a", partitions: 1, replicationFactor: 1, configs: {} }], false);
  assert.ok(fromA && !fromA.ok && isTidelogError(fromA.error, "NOT_CONTROLLER"), JSON.stringify(fromA));
  assert.equal(a.isActive, false, "A stepped down");
  assert.equal(await seed.get(keys.topic("from-a")), null, "nothing written by A");
  const [fromB] = await b.createTopics([{ name: "from-b", partitions: 2, replicationFactor: 2, configs: {} }], false);
  assert.ok(fromB?.ok, JSON.stringify(fromB));
  await waitFor(async () => (await seed.getAll(keys.topicPartitionsPrefix("from-b"))).entries.length === 2, {
    timeoutMs: 5000,
    description: "B created both partition states",
  });
});

test("MetadataWatch: a resync whose read succeeded but whose watch could not start is stale, and tries again soon", async (t) => {
  // The whole-broker simulation found a leader whose watch had re-read everything after a
  // cut from etcd, then failed to start watching (cut again in between), and still called
  // itself in sync: its image froze until the safety-net resync, minutes later, and it
  // refused its followers' fetches as coming from registrations it did not know.
  const clock = new ManualClock();
  const etcd = new InMemoryEtcd(clock);
  const writer = etcd.connect();
  const conn = etcd.connect();
  conn.setRequestDelay(10);
  const watch = new MetadataWatch(conn, silentLogger, { resyncIntervalMs: 300_000, clock });
  t.after(() => watch.close());
  const started = watch.start();
  await clock.advanceAsync(30, 5);
  await started;
  assert.equal(watch.isSynced, true);
  const put = async (key: string, value: string) => {
    await writer.txn([{ key, target: "Create", value: 0 }], [{ kind: "put", key, value }]);
    await settle();
  };
  // Resync: the read is answered at +10 ms; the watch's own call would be at +20 ms, and
  // the connection is cut at +15 ms.
  const resync = watch.resync();
  resync.catch(() => {});
  await clock.advanceAsync(15, 5);
  conn.setReachable(false);
  await clock.advanceAsync(10, 5);
  await assert.rejects(resync, /unreachable/);
  assert.equal(watch.isSynced, false, "no watch: not in sync");
  conn.setReachable(true);
  await put(
    keys.topic("late"),
    JSON.stringify({ name: "late", topicId: "t", assignment: [[1]], configs: {}, internal: false }),
  );
  await clock.advanceAsync(1_100, 50);
  await settle();
  assert.equal(watch.isSynced, true, "tried again within a second");
  assert.ok(watch.image.topics.has("late"), "and the image has what changed meanwhile");
  await put(
    keys.topic("later"),
    JSON.stringify({ name: "later", topicId: "u", assignment: [[1]], configs: {}, internal: false }),
  );
  await clock.advanceAsync(50, 10);
  await settle();
  assert.ok(watch.image.topics.has("later"), "the watch runs again");
});
