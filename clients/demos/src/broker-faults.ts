/**
 * Broker faults on a launched cluster: kill -9 of a partition leader or of a
 * transaction coordinator, or SIGSTOP of a leader past its session. Each fault's repair
 * (restart after a short downtime, or SIGCONT) runs in the background, so the demo's
 * other faults and its input go on meanwhile, as they would in production; the next
 * broker fault first waits for the repair and for every replica to be back in sync.
 * So there is one broker fault at a time: with 3 replicas and min.insync.replicas 2 the
 * cluster stays writable, and what a demo proves is about the faults, not about having
 * run out of replicas.
 */
import type { Admin } from "@tidelog/client";
import { type FaultableCluster, waitInSync } from "./demo-cluster.js";
import type { FaultLog } from "./fault-log.js";
import type { Progress } from "./progress.js";
import { sleep } from "./wait.js";

/** The internal topics whose replicas must be back in sync too before the next fault. */
const INTERNAL_TOPICS = ["__consumer_offsets", "__transaction_state"];

export class BrokerFaults {
  private repair: Promise<void> = Promise.resolve();

  constructor(
    private readonly cluster: FaultableCluster,
    private readonly admin: Admin,
    private readonly topics: readonly string[],
    private readonly log: FaultLog,
    private readonly progress: Progress,
    private readonly signal: AbortSignal,
  ) {}

  /** kill -9 of the leader of `topic`-`partition`; restarted `downMs` later. */
  async killLeader(topic: string, partition: number, downMs: number): Promise<void> {
    await this.settled();
    const id = await this.cluster.leaderOf(topic, partition).catch(() => null);
    if (id === null) return this.log.skipped("leader kill", `${topic}-${partition} has no leader now`);
    await this.kill(id, "leader kill -9", `the leader of ${topic}-${partition}`, downMs);
  }

  /** kill -9 of the transaction coordinator of `transactionalId`; restarted `downMs` later. */
  async killCoordinator(transactionalId: string, downMs: number): Promise<void> {
    await this.settled();
    const id = await this.cluster.transactionCoordinatorOf(transactionalId).catch(() => null);
    if (id === null) return this.log.skipped("coordinator kill", `no coordinator known for ${transactionalId}`);
    await this.kill(id, "coordinator kill -9", `the transaction coordinator of ${transactionalId}`, downMs);
  }

  /** kill -9 of the coordinator of consumer group `groupId`; restarted `downMs` later. */
  async killGroupCoordinator(groupId: string, downMs: number): Promise<void> {
    await this.settled();
    const id = await this.admin
      .describeGroup(groupId)
      .then((g) => g.coordinatorId)
      .catch(() => null);
    if (id === null) return this.log.skipped("coordinator kill", `no coordinator known for group ${groupId}`);
    await this.kill(id, "coordinator kill -9", `the group coordinator of ${groupId}`, downMs);
  }

  /** SIGSTOP of the leader of `topic`-`partition` for `pausedMs` (past its session, it loses its leaderships), then SIGCONT. */
  async pauseLeader(topic: string, partition: number, pausedMs: number): Promise<void> {
    await this.settled();
    const id = await this.cluster.leaderOf(topic, partition).catch(() => null);
    if (id === null) return this.log.skipped("broker pause", `${topic}-${partition} has no leader now`);
    await this.cluster.pauseBroker(id);
    this.log.done("broker SIGSTOP", `SIGSTOP broker ${id} (the leader of ${topic}-${partition}) for ${pausedMs} ms`);
    // Resumed even when the run is interrupted: a stopped broker would not stop for close().
    this.background(this.later(pausedMs, () => this.cluster.resumeBroker(id), `broker ${id} resumed (SIGCONT)`, true));
  }

  /** Waits for the last fault's repair: the broker back and every replica in sync. Rethrows its failure. */
  async settled(): Promise<void> {
    await this.repair;
  }

  private async kill(id: number, kind: string, what: string, downMs: number): Promise<void> {
    await this.cluster.killBroker(id);
    this.log.done(kind, `kill -9 broker ${id} (${what}); restart in ${downMs / 1000} s`);
    this.background(this.later(downMs, () => this.cluster.restartBroker(id), `broker ${id} restarted`, false));
  }

  private background(repair: Promise<void>): void {
    repair.catch(() => {}); // not unhandled: settled() rethrows it
    this.repair = repair;
  }

  private async later(
    afterMs: number,
    fix: () => Promise<void>,
    what: string,
    evenIfInterrupted: boolean,
  ): Promise<void> {
    const started = this.progress.elapsedMs();
    try {
      await sleep(afterMs, this.signal);
    } finally {
      if (!this.signal.aborted || evenIfInterrupted) await fix();
    }
    await waitInSync(this.admin, [...this.topics, ...INTERNAL_TOPICS], this.signal);
    const seconds = ((this.progress.elapsedMs() - started) / 1000).toFixed(1);
    this.progress.event(`${what}; every replica in sync again, ${seconds} s after the fault`);
  }
}
