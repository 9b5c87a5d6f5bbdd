/**
 * A LocalClusterControl that does nothing and answers at once, with fixed roles: for
 * testing the nemesis's schedules (which faults, which targets, in which order) without
 * processes. Every call is appended to `calls`.
 */
import type { FaultKind, LocalClusterControl, PartitionRoles } from "../../clients/verify/src/index.js";

export interface FakeCluster extends LocalClusterControl {
  readonly calls: string[];
}

export function fakeCluster(unavailable: ReadonlyMap<FaultKind, string> = new Map()): FakeCluster {
  const calls: string[] = [];
  const brokerIds = [1, 2, 3];
  const all: FaultKind[] = [
    "kill",
    "pause",
    "etcd-kill",
    "etcd-pause",
    "partition-leader",
    "partition-etcd",
    "partition-split",
    "disk-full",
    "clock-jump",
    "torn-tail",
  ];
  const partitions: PartitionRoles[] = [0, 1, 2].map((p) => ({
    topic: "t",
    partition: p,
    leader: brokerIds[p]!,
    replicas: brokerIds,
    isr: brokerIds,
  }));
  const act =
    (name: string) =>
    async (...args: unknown[]) => {
      calls.push(`${name}(${args.map((a) => JSON.stringify(a)).join(",")})`);
    };
  return {
    calls,
    bootstrap: "fake:1",
    brokerIds,
    faults: new Set(all.filter((k) => !unavailable.has(k))),
    unavailableFaults: unavailable,
    sessionTimeoutMs: 0,
    close: async () => {},
    killBroker: act("killBroker"),
    restartBroker: act("restartBroker"),
    pauseBroker: act("pauseBroker"),
    resumeBroker: act("resumeBroker"),
    killEtcd: act("killEtcd"),
    restartEtcd: act("restartEtcd"),
    pauseEtcd: act("pauseEtcd"),
    resumeEtcd: act("resumeEtcd"),
    controllerId: async () => 2,
    leaderOf: async (_topic, partition) => partitions[partition]?.leader ?? null,
    transactionCoordinatorOf: async (id) => (id.length % 3) + 1,
    dataDir: (id) => `/nonexistent/fake-broker-${id}`,
    partitionsOf: async () => partitions,
    brokerPid: (id) => 1000 + id,
    etcdPid: () => 999,
    brokerAddress: (id) => `fake:${id}`,
    brokerHttpAddress: (id) => `fake-http:${id}`,
    cut: async (from, to) => {
      calls.push(`cut(${JSON.stringify(from)},${JSON.stringify(to)})`);
      return { description: "fake cut", heal: act("heal") };
    },
    fillDisk: async (id) => {
      calls.push(`fillDisk(${id})`);
      return { bytes: 0, free: act("free") };
    },
    setClockOffset: act("setClockOffset"),
    logTail: () => "",
  };
}
