// The connection pool's bound and lifecycle: channels open lazily, one per address and
// shared by every stub for it; past the bound the least recently used one is closed;
// after close() nothing can be used. No broker is needed: a channel connects only when
// a call is made.

import assert from "node:assert/strict";
import { test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { ConnectionPool } from "../../clients/sdk/src/connection-pool.js";

const RETRY = { retries: 1, initialBackoffMs: 10, maxBackoffMs: 100 };

test("one channel per address, reused, at most maxConnections, least recently used closed first", () => {
  const pool = new ConnectionPool({
    clientId: "test",
    credentials: grpc.credentials.createInsecure(),
    maxConnections: 2,
    retry: RETRY,
  });
  const a = pool.admin("127.0.0.1:1001");
  assert.equal(pool.admin("127.0.0.1:1001"), a, "the same stub for the same address");
  pool.admin("127.0.0.1:1002");
  pool.admin("127.0.0.1:1001");
  pool.admin("127.0.0.1:1003");
  assert.equal(pool.size, 2);
  assert.equal(pool.admin("127.0.0.1:1001"), a, "the recently used address kept its channel");
  assert.notEqual(pool.admin("127.0.0.1:1002"), undefined);
  assert.equal(pool.size, 2);
  pool.close();
});

test("after close every use throws", () => {
  const pool = new ConnectionPool({
    clientId: "test",
    credentials: grpc.credentials.createInsecure(),
    maxConnections: 2,
    retry: RETRY,
  });
  pool.admin("127.0.0.1:1001");
  pool.close();
  assert.equal(pool.size, 0);
  assert.throws(() => pool.admin("127.0.0.1:1001"), /closed/);
});
