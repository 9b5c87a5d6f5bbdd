// The client's bounded waiting, driven through its seams rather than real time: backoff
// grows exponentially with jitter and a cap; only retriable failures are retried; the
// attempt count and the deadline both stop retrying, and the final error says which;
// stale controller answers (a lower controller epoch) are never trusted.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ERRORS, RetriesExhaustedError, TidelogError, TransportError } from "@tidelog/client";
import { ADMIN_RETRIED_CODES, isAdminRetriable } from "../../clients/sdk/src/admin-retry.js";
import type { ClusterDescription } from "../../clients/sdk/src/admin-types.js";
import { ClusterMetadata } from "../../clients/sdk/src/cluster-metadata.js";
import { silentLogger } from "../../clients/sdk/src/logger.js";
import { backoffMs, Retrier, type RetrySeams } from "../../clients/sdk/src/retry.js";

const POLICY = { retries: 4, initialBackoffMs: 100, maxBackoffMs: 500 };

/** Time moves only when the retrier sleeps (or an attempt says it took time). */
function virtualTime(random = 0.5): RetrySeams & { sleeps: number[]; now: number } {
  const seams = {
    now: 0,
    sleeps: [] as number[],
    nowMs: () => seams.now,
    random: () => random,
    sleep: async (ms: number) => {
      seams.sleeps.push(ms);
      seams.now += ms;
    },
  };
  return seams;
}

const unavailable = () => new TransportError("NETWORK_EXCEPTION", "h:1", "UNAVAILABLE", "down");

test("backoff doubles from the initial value, is capped, and jitters by at most 20%", () => {
  const mid = () => 0.5;
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((n) => backoffMs(n, POLICY, mid)),
    [100, 200, 400, 500, 500],
  );
  assert.equal(
    backoffMs(1, POLICY, () => 0),
    80,
  );
  assert.equal(
    backoffMs(1, POLICY, () => 0.999_999),
    120,
  );
  assert.equal(
    backoffMs(9, POLICY, () => 0.999_999),
    600,
  );
});

test("retriable failures are retried until an attempt succeeds", async () => {
  const seams = virtualTime();
  const retrier = new Retrier(POLICY, 60_000, 60_000, seams, silentLogger);
  let calls = 0;
  const value = await retrier.run(
    "op",
    async () => {
      calls += 1;
      if (calls < 3) throw unavailable();
      return "done";
    },
    isAdminRetriable,
  );
  assert.equal(value, "done");
  assert.deepEqual(seams.sleeps, [100, 200]);
});

test("a non-retriable error passes through at once, and so does a non-TidelogError (a bug)", async () => {
  const retrier = new Retrier(POLICY, 60_000, 60_000, virtualTime(), silentLogger);
  const invalid = new TidelogError("INVALID_CONFIG");
  await assert.rejects(
    retrier.run("op", async () => Promise.reject(invalid), isAdminRetriable),
    (e) => e === invalid,
  );
  const bug = new TypeError("oops");
  await assert.rejects(
    retrier.run("op", async () => Promise.reject(bug), isAdminRetriable),
    (e) => e === bug,
  );
});

test("out of retries: the error keeps the last code and counts the attempts", async () => {
  const seams = virtualTime();
  const retrier = new Retrier(POLICY, 60_000, 60_000, seams, silentLogger);
  const error = await retrier.run("op", async () => Promise.reject(unavailable()), isAdminRetriable).catch((e) => e);
  assert.ok(error instanceof RetriesExhaustedError);
  assert.deepEqual(
    [error.code, error.attempts, error.reason, error.elapsedMs],
    ["NETWORK_EXCEPTION", 5, "retries", 100 + 200 + 400 + 500],
  );
  assert.ok(error.lastError instanceof TransportError);
  assert.ok(error.cause === error.lastError);
});

test("the deadline stops retrying before a wait would pass it", async () => {
  const seams = virtualTime();
  const retrier = new Retrier(POLICY, 250, 250, seams, silentLogger);
  const error = await retrier.run("op", async () => Promise.reject(unavailable()), isAdminRetriable).catch((e) => e);
  assert.ok(error instanceof RetriesExhaustedError);
  assert.deepEqual([error.attempts, error.reason], [2, "deadline"]);
  assert.match(error.message, /the next retry would pass the request timeout/);
  assert.ok(seams.now <= 250);
});

test("every code an admin call retries is retriable in the shared table", () => {
  for (const code of ADMIN_RETRIED_CODES) assert.equal(ERRORS[code].retriable, true, code);
  assert.equal(isAdminRetriable(new TidelogError("UNKNOWN_TOPIC_OR_PARTITION")), false);
  assert.equal(isAdminRetriable(new TidelogError("NOT_CONTROLLER")), true);
});

function description(controllerId: number | null, controllerEpoch: number, answeredBy: number): ClusterDescription {
  const brokers = [1, 2].map((id) => ({ id, host: "h", port: id, httpPort: 0, rack: null, address: `h:${id}` }));
  return { clusterId: "c", controllerId, controllerEpoch, brokers, answeredBy };
}

test("a controller named with an older epoch than already seen is not trusted", async () => {
  const answers = [description(2, 7, 2), description(1, 6, 1), description(2, 7, 2)];
  const asked: string[] = [];
  const metadata = new ClusterMetadata({
    bootstrap: ["h:2"],
    describe: async (address) => {
      asked.push(address);
      return answers.shift()!;
    },
    nowMs: () => 0,
    maxAgeMs: 1_000,
  });
  assert.equal(await metadata.controllerAddress(0), "h:2");
  metadata.invalidate();
  await assert.rejects(
    metadata.controllerAddress(0),
    /NOT_CONTROLLER: broker 1 has stale metadata \(controller epoch 6 < 7\)/,
  );
  assert.equal(await metadata.controllerAddress(0), "h:2");
  assert.deepEqual(asked, ["h:2", "h:1", "h:2"], "round-robin over the known brokers");
});

test("metadata older than its maximum age is refreshed before use", async () => {
  let now = 0;
  let refreshes = 0;
  const metadata = new ClusterMetadata({
    bootstrap: ["h:1"],
    describe: async () => {
      refreshes += 1;
      return description(1, 1, 1);
    },
    nowMs: () => now,
    maxAgeMs: 1_000,
  });
  await metadata.controllerAddress(0);
  await metadata.controllerAddress(0);
  now = 1_000;
  await metadata.controllerAddress(0);
  assert.equal(refreshes, 2);
});

test("each attempt gets its own bound, so a hung broker costs one attempt and not the whole call", async () => {
  const seams = virtualTime();
  const retrier = new Retrier(POLICY, 60_000, 2_000, seams, silentLogger);
  const deadlines: number[] = [];
  const value = await retrier.run(
    "op",
    async (a) => {
      deadlines.push(a.deadlineMs - seams.now);
      // The first broker hangs until its attempt deadline; the next one answers.
      if (deadlines.length === 1) {
        seams.now = a.deadlineMs;
        throw new TransportError("REQUEST_TIMED_OUT", "h:1", "DEADLINE_EXCEEDED", "no answer");
      }
      return "answered";
    },
    (e) => e.retriable,
  );
  assert.equal(value, "answered");
  assert.deepEqual(deadlines, [2_000, 2_000], "every attempt is bounded by attemptTimeoutMs");
  assert.ok(seams.now < 3_000, `the call took ${seams.now} ms, not the 60 s budget`);
});

test("untilDeadline drops the retry count (a coordinator failover outlasts it) but the deadline still ends it", async () => {
  const seams = virtualTime();
  const retrier = new Retrier(POLICY, 10_000, 10_000, seams, silentLogger);
  let calls = 0;
  const concurrent = () => new TidelogError("CONCURRENT_TRANSACTIONS", "the previous transaction is completing");
  const value = await retrier.run(
    "initTransactions",
    async () => {
      if (++calls < 12) throw concurrent();
      return "done";
    },
    () => true,
    { untilDeadline: true },
  );
  assert.equal(value, "done");
  assert.equal(calls, 12, "past POLICY.retries (4) because only the deadline bounds it");
  const never = retrier.run(
    "initTransactions",
    async () => {
      throw concurrent();
    },
    () => true,
    { untilDeadline: true },
  );
  await assert.rejects(never, (e: unknown) => e instanceof RetriesExhaustedError && /request timeout/.test(e.message));
});
