/**
 * How long a partition is without a leader after its broker dies, and the cluster
 * without a controller after the controller dies: real etcd, three real brokers, kill -9.
 *
 * Leader failover: the broker leading the most partitions of a fresh 6-partition RF-3
 * topic is killed; the clock stops when a surviving broker reports a live leader for
 * every partition. Controller failover: the controller is killed; the clock stops when a
 * survivor names a new live controller. Both are dominated by the session TTL (the etcd
 * lease that must expire before anyone may act), so each figure is also given as a
 * ratio to that TTL, measured in the same run: 1.0x is the floor of this design.
 */
import { Client } from "@tidelog/client";
import { type ClusterHandle, createScope, startCluster, waitFor } from "../scripts/harness/cluster.js";
import { type BenchRow, row } from "./lib/report.js";

const SESSION_MS = 3000;
const POLL_MS = 20;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** A client that talks only to the given brokers, with short attempts (a dead broker must not stall a poll). */
function clientFor(addresses: readonly string[]): Client {
  return new Client({ brokers: [...addresses], requestTimeoutMs: 5000, attemptTimeoutMs: 500 });
}

async function leaderFailover(c: ClusterHandle, run: number): Promise<number> {
  const admin = clientFor(c.brokers.map((b) => b.address));
  const topic = `failover-${run}`;
  try {
    await admin.admin().createTopic({ name: topic, partitions: 6, replicationFactor: 3 });
    const before = await admin.admin().describeTopic(topic);
    const counts = new Map<number, number>();
    for (const p of before.partitions) if (p.leader !== null) counts.set(p.leader, (counts.get(p.leader) ?? 0) + 1);
    const victimId = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] as number;
    const victim = c.broker(victimId);
    const survivors = clientFor(c.brokers.filter((b) => b.id !== victimId).map((b) => b.address));
    try {
      const killedAt = performance.now();
      await victim.kill();
      await waitFor(
        async () =>
          (await survivors.admin().describeTopic(topic)).partitions.every(
            (p) => p.leader !== null && p.leader !== victimId,
          ),
        { description: `${topic} re-led`, timeoutMs: 4 * SESSION_MS + 10_000, intervalMs: POLL_MS },
      );
      return performance.now() - killedAt;
    } finally {
      await survivors.close();
      await victim.restart();
      await admin.admin().deleteTopic(topic);
    }
  } finally {
    await admin.close();
  }
}

async function controllerFailover(c: ClusterHandle): Promise<number> {
  const admin = clientFor(c.brokers.map((b) => b.address));
  try {
    const controllerId = (await admin.admin().describeCluster()).controllerId as number;
    const victim = c.broker(controllerId);
    const survivors = clientFor(c.brokers.filter((b) => b.id !== controllerId).map((b) => b.address));
    try {
      const killedAt = performance.now();
      await victim.kill();
      await waitFor(
        async () => {
          const d = await survivors.admin().describeCluster();
          return d.controllerId !== null && d.controllerId !== controllerId;
        },
        { description: "a new controller", timeoutMs: 4 * SESSION_MS + 10_000, intervalMs: POLL_MS },
      );
      return performance.now() - killedAt;
    } finally {
      await survivors.close();
      await victim.restart();
    }
  } finally {
    await admin.close();
  }
}

export async function failoverBench(opts: { quick: boolean }): Promise<BenchRow[]> {
  const runs = opts.quick ? 2 : 10;
  const scope = createScope();
  try {
    const c = await startCluster(scope, {
      brokers: 3,
      brokerConfig: {
        "broker.session.timeout.ms": String(SESSION_MS),
        "controller.session.timeout.ms": String(SESSION_MS),
      },
    });
    const probe = clientFor(c.brokers.map((b) => b.address));
    await waitFor(async () => (await probe.admin().describeCluster()).brokers.length === 3, {
      description: "three brokers registered",
      timeoutMs: 30_000,
    });
    await probe.close();
    const leader: number[] = [];
    const controller: number[] = [];
    for (let i = 0; i < runs; i++) {
      leader.push(await leaderFailover(c, i));
      controller.push(await controllerFailover(c));
    }
    const rows: BenchRow[] = [
      row("session TTL (baseline)", SESSION_MS, "ms", {
        note: "broker.session.timeout.ms = controller.session.timeout.ms",
      }),
    ];
    for (const [name, values] of [
      ["leader failover after kill -9", leader],
      ["controller failover after kill -9", controller],
    ] as const) {
      rows.push(row(`${name} p50`, percentile(values, 50), "ms"));
      rows.push(
        row(`${name} p99`, percentile(values, 99), "ms", {
          note: `${values.length} runs: ${values.map((v) => Math.round(v)).join(", ")} ms`,
        }),
      );
      rows.push(row(`${name} p50 / TTL`, percentile(values, 50) / SESSION_MS, "x"));
    }
    return rows;
  } finally {
    await scope.close();
  }
}
