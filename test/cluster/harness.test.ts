/**
 * Self-tests of the cluster harness, with a real etcd and, for the broker parts, the fake
 * broker in fake-broker.ts (which honours the broker's process contract). They pin what
 * integration and fault tests rely on: free ports, readiness, restarts that keep data,
 * pause/resume, waits with useful timeouts, and that nothing outlives a test.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { projectRoot } from "../../scripts/bootstrap.mjs";
import { BROKER_ENV } from "../../scripts/cluster-launcher.mjs";
import {
  createScope,
  type EtcdHandle,
  etcdHealthy,
  isAlive,
  pickFreePorts,
  probeTcp,
  processState,
  startBroker,
  startCluster,
  startEtcd,
  startProcess,
  WaitForTimeoutError,
  waitFor,
} from "../../scripts/harness/cluster.js";

const FAKE_BROKER = [process.execPath, "--import", "tsx", join(projectRoot(), "test", "cluster", "fake-broker.ts")];

/** Holds a loopback port: listens on it and drops every connection (so close() is prompt). */
function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port }, () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

describe("etcd", () => {
  test("starts on free loopback ports and serves writes and reads", async (t) => {
    // Proves: startEtcd resolves only once etcd is healthy, on 127.0.0.1 ports, and a v3
    // client can write and read through the endpoint it reports.
    const etcd = await startEtcd(t);
    assert.deepEqual(etcd.endpoints, [`http://127.0.0.1:${etcd.clientPort}`]);
    assert.notEqual(etcd.clientPort, etcd.peerPort);
    assert.equal(await etcdHealthy(etcd.endpoints[0]!), true);
    const client = etcd.client();
    await client.put("harness/greeting").value("hello");
    assert.equal(await client.get("harness/greeting").string(), "hello");
    assert.ok(existsSync(join(etcd.dataDir, "member")), "etcd keeps its data in the data directory");
  });

  test("two at once get different ports and separate data", async (t) => {
    // Proves: parallel tests cannot collide: each etcd has its own ports and directory.
    const [a, b] = await Promise.all([startEtcd(t), startEtcd(t)]);
    const ports = new Set([a!.clientPort, a!.peerPort, b!.clientPort, b!.peerPort]);
    assert.equal(ports.size, 4);
    assert.notEqual(a!.dataDir, b!.dataDir);
    await a!.client().put("only-in-a").value("1");
    assert.equal(await b!.client().get("only-in-a").string(), null);
  });

  test("a stopped etcd restarts on the same ports with its data", async (t) => {
    // Proves: stop() ends the process (SIGTERM), restart() brings it back on the same
    // endpoint and data directory, so what was written before is still there.
    const etcd = await startEtcd(t);
    const before = { pid: etcd.pid, endpoint: etcd.endpoints[0] };
    const writer = etcd.client();
    await writer.put("durable").value("yes");
    writer.close();

    const stopped = await etcd.stop();
    assert.equal(stopped.forced, false);
    assert.equal(isAlive(before.pid), false);
    assert.equal(etcd.running, false);
    assert.equal(await etcdHealthy(before.endpoint!, 500), false);

    await etcd.restart();
    assert.notEqual(etcd.pid, before.pid);
    assert.equal(etcd.endpoints[0], before.endpoint);
    assert.equal(await etcd.client().get("durable").string(), "yes");
  });

  test("a killed etcd restarts with its acknowledged writes", async (t) => {
    // Proves: kill() is SIGKILL (no shutdown path runs), and a restart recovers every write
    // etcd acknowledged before it, from its write-ahead log.
    const etcd = await startEtcd(t);
    const writer = etcd.client();
    for (let i = 0; i < 20; i++) await writer.put(`key-${i}`).value(String(i));
    writer.close();
    const killed = await etcd.kill();
    assert.equal(killed.signal, "SIGKILL");
    await etcd.restart();
    const kept = await etcd.client().getAll().prefix("key-").strings();
    assert.equal(Object.keys(kept).length, 20);
    assert.equal(kept["key-19"], "19");
  });

  test("a paused etcd answers nothing until resumed", async (t) => {
    // Proves: pause() is SIGSTOP and resolves once the kernel shows the process stopped; a
    // request then gets no answer; resume() (SIGCONT) brings the same process back.
    const etcd = await startEtcd(t);
    const pid = etcd.pid;
    await etcd.pause();
    assert.equal(processState(pid), "T");
    assert.equal(await etcdHealthy(etcd.endpoints[0]!, 300), false, "a stopped etcd cannot answer");
    await etcd.resume();
    assert.notEqual(processState(pid), "T");
    await waitFor(() => etcdHealthy(etcd.endpoints[0]!), { description: "etcd healthy after SIGCONT" });
    assert.equal(etcd.pid, pid);
  });

  test("a restart fails clearly when its port was taken meanwhile", async (t) => {
    // Proves: restart() insists on the old ports (clients know them), and says why it failed
    // instead of hanging until a timeout.
    const etcd = await startEtcd(t);
    await etcd.stop();
    const squatter = await occupy(etcd.clientPort);
    t.after(() => close(squatter));
    await assert.rejects(etcd.restart(), /address already in use/);
    await close(squatter);
    await etcd.restart();
    assert.equal(await etcdHealthy(etcd.endpoints[0]!), true);
  });

  test("start-up tries new ports when a picked one is taken", async (t) => {
    // Proves: the window between picking a free port and etcd binding it is covered: a bind
    // failure leads to a new attempt with new ports, not a failed test.
    const squatter = await occupy(0);
    t.after(() => close(squatter));
    const taken = (squatter.address() as { port: number }).port;
    let picks = 0;
    const etcd = await startEtcd(t, {
      pickPorts: async (count) => (picks++ === 0 ? [taken, ...(await pickFreePorts(count - 1))] : pickFreePorts(count)),
    });
    assert.equal(picks, 2);
    assert.notEqual(etcd.clientPort, taken);
    assert.ok(etcd.logs.some((r) => /address already in use/.test(r.text)));
    assert.equal(await etcdHealthy(etcd.endpoints[0]!), true);
  });

  test("a missing etcd binary fails with how to install it", async (t) => {
    // Proves: the error tells the reader what to do, in the same words as npm test's set-up.
    await assert.rejects(startEtcd(t, { bin: "/nonexistent/etcd" }), (error: Error) => {
      assert.match(error.message, /\/nonexistent\/etcd/);
      assert.match(error.message, /apt-get install etcd-server/);
      assert.match(error.message, /TIDELOG_ETCD_BIN/);
      return true;
    });
  });
});

describe("clean-up", () => {
  test("the end of a test stops its etcd and removes its data directory", async (t) => {
    // Proves: the t.after clean-up: once the subtest is over its process and directory are gone.
    let pid = 0;
    let dataDir = "";
    await t.test("a test that starts etcd and forgets it", async (inner) => {
      const etcd = await startEtcd(inner);
      pid = etcd.pid;
      dataDir = etcd.dataDir;
      assert.equal(isAlive(pid), true);
    });
    assert.equal(isAlive(pid), false);
    assert.equal(existsSync(dataDir), false);
  });

  test("a scope's clean-up stops paused processes too", async () => {
    // Proves: a SIGSTOPped process does not survive clean-up (SIGTERM waits for SIGCONT;
    // the harness sends both).
    const scope = createScope();
    const etcd = await startEtcd(scope);
    await etcd.pause();
    const pid = etcd.pid;
    await scope.close();
    assert.equal(isAlive(pid), false);
  });

  for (const mode of ["exit", "throw", "signal"] as const) {
    test(`a test process that ends abruptly (${mode}) leaves no etcd behind`, async (t) => {
      // Proves: the process-wide hooks: when a test process exits without running its
      // clean-up (process.exit, an uncaught exception, SIGTERM), etcd is killed anyway.
      const child = startProcess(t, {
        name: `abandoning-child-${mode}`,
        command: process.execPath,
        args: ["--import", "tsx", "--conditions=tidelog-source", "test/cluster/abandoning-child.ts", mode],
      });
      const line = await child.waitForLog((r) => r.json?.etcdPid !== undefined, 30_000);
      // The child printed this once its etcd was healthy; it may already be gone by now.
      const { etcdPid, dataDir } = line.json as { etcdPid: number; dataDir: string };
      const exit = mode === "signal" ? await child.stop("SIGTERM", 5_000) : await child.waitForExit(10_000);
      if (mode === "signal") assert.equal(exit.signal, "SIGTERM");
      else assert.equal(exit.code, mode === "exit" ? 3 : 1);
      await waitFor(() => !isAlive(etcdPid), {
        description: `abandoned etcd (pid ${etcdPid}) to die`,
        timeoutMs: 5_000,
      });
      assert.equal(existsSync(dataDir), false, "its data directory is removed too");
    });
  }
});

describe("waitFor", () => {
  test("returns the first truthy value of a sync or async check", async () => {
    // Proves: polling until a condition holds, handing back what the check found.
    let calls = 0;
    assert.equal(await waitFor(() => ++calls >= 3 && "done", { description: "three calls", intervalMs: 1 }), "done");
    assert.equal(calls, 3);
    const found = await waitFor(async () => ({ leader: 2 }), { description: "a leader" });
    assert.deepEqual(found, { leader: 2 });
  });

  test("a timeout names what was awaited and the last value or error", async () => {
    // Proves: a failing wait explains itself: the description, and what the check last saw.
    await assert.rejects(
      waitFor(() => ["broker-1", "broker-3"].find((b) => b === "broker-2"), {
        description: "broker-2 in the ISR",
        timeoutMs: 100,
        intervalMs: 10,
      }),
      (error: Error) => {
        assert.ok(error instanceof WaitForTimeoutError);
        assert.match(error.message, /timed out after 100 ms waiting for broker-2 in the ISR \(\d+ checks\)/);
        assert.match(error.message, /last value: undefined/);
        return true;
      },
    );
    let thrown = 0;
    await assert.rejects(
      waitFor(
        () => {
          thrown++;
          throw new Error("connection refused");
        },
        { description: "a connection", timeoutMs: 100, intervalMs: 10 },
      ),
      (error: Error) => {
        assert.match(error.message, /last error: connection refused/);
        assert.ok(error.cause instanceof Error);
        return true;
      },
    );
    assert.ok(thrown > 1, "a throwing check is retried");
  });

  test("a check that never settles is abandoned at the deadline", async () => {
    // Proves: waits are bounded even when the condition itself hangs.
    const started = Date.now();
    await assert.rejects(
      waitFor(() => new Promise<boolean>(() => {}), { description: "a hung call", timeoutMs: 100 }),
      /the last check had not finished/,
    );
    assert.ok(Date.now() - started < 2_000);
  });
});

describe("brokers (with the fake broker)", () => {
  const scope = createScope();
  let etcd: EtcdHandle;
  before(async () => {
    etcd = await startEtcd(scope);
  });
  after(() => scope.close());

  test("startBroker resolves once the broker is ready and hands back its address", async (t) => {
    // Proves: the flags reach the broker, readiness means the "broker started" line plus
    // ports that accept connections, and the handle reports the logged address.
    const broker = await startBroker(t, { id: 7, etcd, clusterId: "alpha", command: FAKE_BROKER });
    assert.equal(broker.id, 7);
    assert.equal(broker.host, "127.0.0.1");
    assert.equal(broker.address, `127.0.0.1:${broker.grpcPort}`);
    assert.equal(await probeTcp(broker.host, broker.grpcPort), true);
    assert.equal(await probeTcp(broker.host, broker.httpPort), true);
    const starting = broker.logs.find((r) => r.json?.msg === "starting broker");
    assert.equal(starting?.json?.clusterId, "alpha");
    assert.equal(starting?.json?.logDirs, broker.dataDir);
    assert.ok(existsSync(join(broker.dataDir, "fake-broker.json")));
  });

  test("a broker runs with the launcher's allocator settings unless its environment sets its own", async (t) => {
    // Proves: every broker the launcher starts (tests, benchmarks, npm start) gets
    // BROKER_ENV, and a value the caller passes wins over it.
    const tunables = (broker: { logs: readonly { json?: Record<string, unknown> }[] }) =>
      broker.logs.find((r) => r.json?.msg === "starting broker")?.json?.glibcTunables;
    const plain = await startBroker(t, { id: 11, etcd, command: FAKE_BROKER });
    assert.equal(tunables(plain), BROKER_ENV.GLIBC_TUNABLES);
    const own = await startBroker(t, {
      id: 12,
      etcd,
      command: FAKE_BROKER,
      env: { GLIBC_TUNABLES: "glibc.malloc.arena_max=2" },
    });
    assert.equal(tunables(own), "glibc.malloc.arena_max=2");
  });

  test("stop() is a clean SIGTERM; restart() keeps id, data directory and ports", async (t) => {
    // Proves: graceful stop is observable (exit 0, not forced); a restarted broker is the
    // same broker: same id, same data (its start count grows), same address.
    const broker = await startBroker(t, { id: 1, etcd, command: FAKE_BROKER });
    const before = { pid: broker.pid, address: broker.address };
    const stopped = await broker.stop();
    assert.deepEqual(stopped, { code: 0, signal: null, forced: false });
    assert.equal(isAlive(before.pid), false);

    await broker.restart();
    assert.notEqual(broker.pid, before.pid);
    assert.equal(broker.address, before.address);
    const ready = await broker.waitForLog((r) => r.json?.msg === "broker started" && r.json.starts === 2);
    assert.equal(ready.json?.brokerId, 1);
  });

  test("kill() is SIGKILL, and the broker restarts from its data", async (t) => {
    // Proves: the crash path: no shutdown runs, and restart() works on a dead broker.
    const broker = await startBroker(t, { id: 2, etcd, command: FAKE_BROKER });
    const since = broker.logSeq;
    const killed = await broker.kill();
    assert.equal(killed.signal, "SIGKILL");
    assert.equal(broker.running, false);
    assert.equal(broker.logs.filter((r) => r.seq >= since && r.json?.msg === "shutting down").length, 0);
    await broker.restart();
    assert.equal(broker.running, true);
    await broker.waitForLog((r) => r.json?.msg === "broker started" && r.json.starts === 2, 1_000, since);
  });

  test("restart() takes new ports when its old one was taken meanwhile", async (t) => {
    // Proves: a port stolen while the broker was down costs a new address, not the test.
    const broker = await startBroker(t, { id: 3, etcd, command: FAKE_BROKER });
    const oldPort = broker.grpcPort;
    await broker.stop();
    const squatter = await occupy(oldPort);
    t.after(() => close(squatter));
    await broker.restart();
    assert.notEqual(broker.grpcPort, oldPort);
    assert.ok(broker.logs.some((r) => /EADDRINUSE/.test(r.text)));
  });

  test("pause() and resume(); a paused broker still stops cleanly", async (t) => {
    // Proves: SIGSTOP/SIGCONT are visible in the process state, and stop() on a paused
    // broker delivers SIGTERM (with SIGCONT) rather than waiting out its grace.
    const broker = await startBroker(t, { id: 4, etcd, command: FAKE_BROKER });
    await broker.pause();
    assert.equal(processState(broker.pid), "T");
    await broker.resume();
    assert.notEqual(processState(broker.pid), "T");
    await broker.pause();
    const stopped = await broker.stop("SIGTERM", 5_000);
    assert.deepEqual(stopped, { code: 0, signal: null, forced: false });
  });

  test("a broker that ignores SIGTERM is killed when its grace runs out", async (t) => {
    // Proves: stop() is bounded: SIGKILL after the timeout, and the result says so.
    const broker = await startBroker(t, {
      id: 5,
      etcd,
      command: FAKE_BROKER,
      config: { "fake.ignore-sigterm": "true" },
    });
    const stopped = await broker.stop("SIGTERM", 300);
    assert.equal(stopped.forced, true);
    assert.equal(stopped.signal, "SIGKILL");
    assert.ok(broker.logs.some((r) => r.json?.msg === "ignoring SIGTERM, as told"));
  });

  test("a broker that fails to start: the error has its exit and last lines", async (t) => {
    // Proves: start-up failures are diagnosable from the test output alone.
    await assert.rejects(
      startBroker(t, { id: 6, etcd, command: FAKE_BROKER, config: { "fake.fail-start": "2" } }),
      (error: Error) => {
        assert.match(error.message, /broker 6 exit code 2 \(a configuration error\) before it logged "broker started"/);
        assert.match(error.message, /refusing to start, as told/);
        return true;
      },
    );
  });

  test("a ready line naming a port nobody listens on is refused", async (t) => {
    // Proves: the harness checks the contract's promise (the logged port is the listening
    // one) instead of letting a later test fail mysteriously.
    const [unused] = await pickFreePorts(1);
    await assert.rejects(
      startBroker(t, { id: 8, etcd, command: FAKE_BROKER, config: { "fake.report-grpc-port": String(unused) } }),
      new RegExp(`grpcPort ${unused}, but nothing accepts connections`),
    );
  });

  test("waitForLog sees kept and new lines, honours `since`, and times out with the tail", async (t) => {
    // Proves: log waits cannot miss a line that came before the wait started, can exclude
    // old ones, and fail with the broker's recent output.
    const broker = await startBroker(t, { id: 9, etcd, command: FAKE_BROKER });
    assert.equal((await broker.waitForLog("broker started", 100)).json?.brokerId, 9);
    const since = broker.logSeq;
    const shuttingDown = broker.waitForLog("shutting down", 5_000, since);
    await broker.stop();
    assert.ok((await shuttingDown).seq >= since);
    await assert.rejects(broker.waitForLog("broker started", 100, broker.logSeq), (error: Error) => {
      assert.match(error.message, /broker-9: no a line with msg "broker started" within 100 ms \(not running\)/);
      assert.match(error.message, /broker stopped/);
      return true;
    });
  });
});

describe("clusters (with the fake broker)", () => {
  test("startCluster starts etcd and brokers 1..n; stop() leaves nothing running", async (t) => {
    // Proves: a cluster is etcd plus n ready brokers with distinct addresses, listed in
    // `bootstrap`, reachable by id, and stop() ends every process.
    const cluster = await startCluster(t, { brokers: 3, command: FAKE_BROKER });
    assert.match(cluster.clusterId, /^test-[0-9a-f]{8}$/);
    assert.deepEqual(
      cluster.brokers.map((b) => b.id),
      [1, 2, 3],
    );
    assert.equal(new Set(cluster.brokers.map((b) => b.address)).size, 3);
    assert.equal(cluster.bootstrap, cluster.brokers.map((b) => `127.0.0.1:${b.grpcPort}`).join(","));
    assert.equal(cluster.broker(2).id, 2);
    assert.throws(() => cluster.broker(9), /no broker 9/);
    for (const broker of cluster.brokers) {
      const starting = broker.logs.find((r) => r.json?.msg === "starting broker");
      assert.equal(starting?.json?.clusterId, cluster.clusterId);
    }

    const added = await cluster.addBroker(4);
    assert.equal(cluster.brokers.length, 4);
    assert.ok(cluster.bootstrap.endsWith(added.address));

    const pids = [cluster.etcd.pid, ...cluster.brokers.map((b) => b.pid)];
    await cluster.stop();
    for (const pid of pids) assert.equal(isAlive(pid), false, `pid ${pid} still alive`);
  });

  test("per-broker config, and a clear error naming the brokers that failed", async (t) => {
    // Proves: brokerConfig can differ per id, and one bad broker fails startCluster with its
    // own diagnosis while the good ones are still cleaned up by the test.
    await assert.rejects(
      startCluster(t, {
        brokers: 3,
        command: FAKE_BROKER,
        brokerConfig: (id): Record<string, string> =>
          id === 2 ? { "fake.fail-start": "1" } : { "broker.rack": `rack-${id}` },
      }),
      (error: Error) => {
        assert.match(error.message, /1 of 3 brokers failed to start/);
        assert.match(error.message, /broker 2 exit code 1 \(a fatal runtime error\)/);
        return true;
      },
    );
  });

  test("a data directory given by the test survives the test", async (t) => {
    // Proves: only directories the harness created are removed; a test can hand the same
    // directory to a second broker process to simulate a replaced machine.
    const etcd = await startEtcd(t);
    const dir = join(etcd.dataDir, "kept-broker");
    await t.test("first life", async (inner) => {
      await startBroker(inner, { id: 1, etcd, command: FAKE_BROKER, dataDir: dir });
    });
    const second = await startBroker(t, { id: 1, etcd, command: FAKE_BROKER, dataDir: dir });
    assert.equal(second.dataDir, dir);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, "fake-broker.json"), "utf8")), { starts: 2 });
  });
});
