// Client quotas: which entity a request is charged to (Kafka's eight levels), the
// validation of quota configs, and the rate and throttle time the manager measures, on
// a manual clock.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ManualClock } from "../../src/common/clock.js";
import {
  DEFAULT,
  entityId,
  parseEntityId,
  type QuotaEntity,
  QuotaIndex,
  validateQuotaConfig,
} from "../../src/security/client-quota.js";
import { ClientQuotaManager, QUOTA_SENSORS_MAX } from "../../src/security/client-quota-manager.js";

describe("quota entities", () => {
  test("entity ids round-trip, defaults and awkward names included", () => {
    const entities: QuotaEntity[] = [
      { user: "alice", clientId: null },
      { user: null, clientId: "app|1=x" },
      { user: DEFAULT, clientId: DEFAULT },
      { user: "CN=app,O=Acme", clientId: "<default>" },
    ];
    for (const entity of entities) assert.deepEqual(parseEntityId(entityId(entity)), entity);
    for (const bad of ["", "user=", "user=a|user=b", "group=x", "user=%E0%A4%A", "client-id=a|user=b"])
      assert.equal(parseEntityId(bad), null, bad);
  });

  test("a request is charged to the most specific entity with a quota of its kind, in Kafka's order", () => {
    const levels: [string, { user: string | typeof DEFAULT | null; clientId: string | typeof DEFAULT | null }][] = [
      ["user=alice|client-id=app", { user: "alice", clientId: "app" }],
      ["user=alice|client-id=app", { user: "alice", clientId: DEFAULT }],
      ["user=alice", { user: "alice", clientId: null }],
      ["user=alice|client-id=app", { user: DEFAULT, clientId: "app" }],
      ["user=alice|client-id=app", { user: DEFAULT, clientId: DEFAULT }],
      ["user=alice", { user: DEFAULT, clientId: null }],
      ["client-id=app", { user: null, clientId: "app" }],
      ["client-id=app", { user: null, clientId: DEFAULT }],
    ];
    // With levels i.. configured, level i wins; its budget is kept under the caller's names.
    for (let i = 0; i < levels.length; i++) {
      const index = new QuotaIndex(
        levels.slice(i).map(([, entity], n) => ({ entity, values: { producer_byte_rate: 100 + i + n } })),
      );
      const resolved = index.resolve("producer_byte_rate", "alice", "app");
      assert.deepEqual(
        resolved,
        { sensorKey: `producer_byte_rate/${levels[i]![0]}`, limit: 100 + i },
        `level ${i + 1}`,
      );
    }
    const onlyFetch = new QuotaIndex([
      { entity: { user: "alice", clientId: null }, values: { consumer_byte_rate: 5 } },
    ]);
    assert.equal(onlyFetch.resolve("producer_byte_rate", "alice", "app"), null, "another kind does not bind");
    assert.equal(new QuotaIndex([]).resolve("request_rate", "alice", "app"), null);
  });

  test("bad configs are refused with INVALID_REQUEST and say why", () => {
    const refuse = (entity: Parameters<typeof validateQuotaConfig>[0], values: Record<string, unknown>, why: RegExp) =>
      assert.throws(
        () => validateQuotaConfig(entity, values),
        (e: Error & { code?: string }) => e.code === "INVALID_REQUEST" && why.test(e.message),
      );
    refuse({ user: null, clientId: null }, { request_rate: 1 }, /names a user, a client id/);
    refuse({ user: "", clientId: null }, { request_rate: 1 }, /1\.\.1024 characters/);
    refuse({ user: "a", clientId: null }, { produce_rate: 1 }, /unknown quota produce_rate/);
    for (const v of [0, -1, Number.NaN, "5", 1e16])
      refuse({ user: "a", clientId: null }, { request_rate: v }, /above 0/);
    assert.deepEqual(validateQuotaConfig({ user: DEFAULT, clientId: null }, { consumer_byte_rate: 1e6 }), {
      consumer_byte_rate: 1e6,
    });
  });
});

describe("ClientQuotaManager", () => {
  const setup = (configs: ConstructorParameters<typeof QuotaIndex>[0]) => {
    const clock = new ManualClock();
    const index = new QuotaIndex(configs);
    const manager = new ClientQuotaManager({ clock, windowMs: 1000, samples: 11, quotas: () => index });
    return { clock, manager };
  };

  test("a first burst is averaged over ten windows; the throttle brings the rate down to the quota", () => {
    const { clock, manager } = setup([
      { entity: { user: null, clientId: "app" }, values: { producer_byte_rate: 1000 } },
    ]);
    assert.equal(manager.record("producer_byte_rate", "u", "app", 5000), 0, "500 B/s over the first ten seconds");
    // 20,000 B in all: 2,000 B/s over 10 s, twice the quota: hold back (2000-1000)/1000 * 10 s.
    assert.equal(manager.record("producer_byte_rate", "u", "app", 15_000), 10_000);
    assert.equal(manager.record("producer_byte_rate", "u", "other", 1e9), 0, "another client id has no quota");
    clock.advance(12_000);
    assert.equal(manager.record("producer_byte_rate", "u", "app", 1), 0, "the burst has aged out of the window");
  });

  test("a client that waits out each throttle gets its quota, not more", () => {
    const { clock, manager } = setup([
      { entity: { user: null, clientId: DEFAULT }, values: { consumer_byte_rate: 10_000 } },
    ]);
    let bytes = 0;
    const start = clock.monotonicMs();
    while (clock.monotonicMs() - start < 120_000) {
      const wait = manager.record("consumer_byte_rate", "u", "reader", 4000);
      bytes += 4000;
      clock.advance(Math.max(wait, 5));
    }
    const rate = (bytes * 1000) / (clock.monotonicMs() - start);
    assert.ok(rate > 9000 && rate < 12_000, `about 10,000 B/s, got ${Math.round(rate)}`);
  });

  test("a default client-id quota gives each client id its own budget; a user quota is shared by its clients", () => {
    const { manager } = setup([
      { entity: { user: null, clientId: DEFAULT }, values: { request_rate: 10 } },
      { entity: { user: "alice", clientId: null }, values: { request_rate: 10 } },
    ]);
    const burst = (user: string, clientId: string) => {
      let last = 0;
      for (let i = 0; i < 100; i++) last = manager.record("request_rate", user, clientId, 1);
      return last;
    };
    assert.equal(burst("bob", "a"), 0, "100 requests over 10 s is the quota, not above it");
    assert.equal(burst("bob", "b"), 0, "client b has a budget of its own");
    assert.equal(burst("alice", "a"), 0);
    assert.ok(burst("alice", "b") > 0, "alice's clients share one budget");
  });

  test("sensors are bounded: idle ones go first, then the least recently used", () => {
    const { clock, manager } = setup([{ entity: { user: null, clientId: DEFAULT }, values: { request_rate: 1e6 } }]);
    for (let i = 0; i < QUOTA_SENSORS_MAX; i++) manager.record("request_rate", "u", `c${i}`, 1);
    assert.equal(manager.sensorCount, QUOTA_SENSORS_MAX);
    clock.advance(20_000);
    manager.record("request_rate", "u", "fresh", 1);
    assert.equal(manager.sensorCount, 1, "every idle sensor measured zero and was dropped");
  });
});
