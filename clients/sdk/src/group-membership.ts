/**
 * A consumer's membership in a group, client side of the KIP-848-style protocol: a
 * heartbeat loop that reports the subscription and the partitions owned, and
 * reconciles toward the assignment the coordinator answers with.
 *
 *   partitions no longer assigned  -> onRevoke (the consumer stops reading them, waits
 *                                     for the one in the application's hands, commits),
 *                                     then a heartbeat at once, so the coordinator can
 *                                     hand them on
 *   partitions newly assigned      -> onAssign (the consumer looks up committed offsets
 *                                     and starts reading)
 *
 * Reconciliation runs beside the heartbeats, never in their way: a slow handler delays
 * a revocation (bounded by the rebalance timeout), not the heartbeats that keep the
 * member alive, so slow processing does not get members evicted.
 *
 * Fenced (UNKNOWN_MEMBER_ID, FENCED_MEMBER_EPOCH), or without a successful heartbeat for
 * a whole session timeout, the member treats everything it owns as lost (onLost: stop
 * reading, no commit, since another member may own them now) and joins again. The
 * session is measured from when the last successful heartbeat was *sent*, which is no
 * later than the coordinator received it, so the member gives its partitions up before
 * the coordinator can give them to anyone else.
 */
import type { ClientContext } from "./client-context.js";
import { TransportError } from "./client-errors.js";
import type { TopicPartition } from "./consumer-types.js";
import { TidelogError } from "./errors.js";
import { type GroupRpc, isCoordinatorRetriable } from "./group-rpc.js";
import type { Logger } from "./logger.js";
import { errorFromInfo } from "./protocol/grpc.js";
import type { wire } from "./protocol/index.js";

export interface MembershipOptions {
  readonly groupId: string;
  readonly instanceId: string | null;
  readonly clientId: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly assignor: string | null;
}

export interface MembershipHandlers {
  onAssign(partitions: TopicPartition[]): Promise<void>;
  onRevoke(partitions: TopicPartition[]): Promise<void>;
  onLost(partitions: TopicPartition[]): Promise<void>;
}

const LEAVE_EPOCH = -1;
const STATIC_LEAVE_EPOCH = -2;
/** Before the coordinator says otherwise. */
const INITIAL_HEARTBEAT_INTERVAL_MS = 1000;

function key(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}

function toList(keys: Iterable<string>): TopicPartition[] {
  return [...keys].map((k) => {
    const i = k.lastIndexOf(":");
    return { topic: k.slice(0, i), partition: Number(k.slice(i + 1)) };
  });
}

function toWire(keys: Iterable<string>): wire.GroupTopicPartitions[] {
  const byTopic = new Map<string, number[]>();
  for (const tp of toList(keys)) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}

export class GroupMembership {
  memberId = "";
  memberEpoch = 0;
  private topics: string[] = [];
  /** What this member owns: assigned and not yet fully revoked. */
  private readonly owned = new Set<string>();
  private target: Set<string> | null = null;
  private reconciling = false;
  private intervalMs = INITIAL_HEARTBEAT_INTERVAL_MS;
  private lastSuccessSentMs: number;
  private running = false;
  private stopped = false;
  private loop: Promise<void> = Promise.resolve();
  private wakeUp: (() => void) | null = null;
  private readonly logger: Logger;
  /** Resolved each time an assignment has been fully applied (for waitForAssignment). */
  private readonly settledWaiters: (() => void)[] = [];

  constructor(
    private readonly ctx: ClientContext,
    private readonly rpc: GroupRpc,
    private readonly options: MembershipOptions,
    private readonly handlers: MembershipHandlers,
  ) {
    this.logger = ctx.logger;
    this.lastSuccessSentMs = ctx.seams.nowMs();
  }

  /** Partitions this member owns now. */
  assignment(): TopicPartition[] {
    return toList(this.owned);
  }

  /** Starts (or updates) the subscription; the loop joins at once. */
  subscribe(topics: readonly string[]): void {
    this.topics = [...new Set(topics)].sort();
    if (!this.running) {
      this.running = true;
      this.lastSuccessSentMs = this.ctx.seams.nowMs();
      this.loop = this.run();
    }
    this.wake();
  }

  /** Resolves once the member owns what the coordinator last assigned (used by tests and tools). */
  waitUntilSettled(): Promise<void> {
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  /** Revokes everything (committing through onRevoke), leaves the group, and stops. */
  async leave(): Promise<void> {
    if (!this.running || this.stopped) return;
    this.stopped = true;
    this.wake();
    await this.loop;
    await this.handlers
      .onRevoke(toList(this.owned))
      .catch((e: unknown) => this.logger.warn({ err: (e as Error).message }, "revoking on leave failed"));
    this.owned.clear();
    if (this.memberId === "") return;
    const epoch = this.options.instanceId !== null ? STATIC_LEAVE_EPOCH : LEAVE_EPOCH;
    try {
      await this.rpc.once(
        this.options.groupId,
        "heartbeat",
        this.request(epoch),
        (r) => errorFromInfo(r.error),
        this.ctx.seams.nowMs() + this.ctx.attemptTimeoutMs,
      );
    } catch (e) {
      // The coordinator removes the member after its session timeout anyway.
      this.logger.warn({ group: this.options.groupId, err: (e as Error).message }, "leaving the group failed");
    }
  }

  private request(epoch: number): wire.GroupHeartbeatRequest {
    return {
      groupId: this.options.groupId,
      memberId: this.memberId,
      memberEpoch: epoch,
      instanceId: this.options.instanceId ?? "",
      sessionTimeoutMs: this.options.sessionTimeoutMs,
      rebalanceTimeoutMs: this.options.rebalanceTimeoutMs,
      subscribedTopics: this.topics,
      assignor: this.options.assignor ?? "",
      ownedPartitions: toWire(this.owned),
      clientId: this.options.clientId,
    };
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = null;
        resolve();
      }, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      const sentMs = this.ctx.seams.nowMs();
      try {
        const res = await this.rpc.once(
          this.options.groupId,
          "heartbeat",
          this.request(this.memberEpoch),
          (r) => errorFromInfo(r.error),
          sentMs + Math.min(this.ctx.attemptTimeoutMs, this.options.sessionTimeoutMs),
        );
        failures = 0;
        this.lastSuccessSentMs = sentMs;
        if (this.stopped) return;
        this.memberId = res.memberId;
        this.memberEpoch = res.memberEpoch;
        this.intervalMs = res.heartbeatIntervalMs > 0 ? res.heartbeatIntervalMs : this.intervalMs;
        const target = new Set<string>();
        for (const t of res.assignment) for (const p of t.partitions) target.add(key(t.topic, p));
        this.target = target;
        this.reconcile();
      } catch (e) {
        const error = e instanceof TidelogError ? e : new TidelogError("UNKNOWN_SERVER_ERROR", String(e));
        if (error.code === "UNKNOWN_MEMBER_ID" || error.code === "FENCED_MEMBER_EPOCH") {
          await this.lose(error.message);
          continue;
        }
        failures++;
        if (!(error instanceof TransportError) && !isCoordinatorRetriable(error)) {
          this.logger.error({ group: this.options.groupId, code: error.code, err: error.message }, "heartbeat refused");
        } else if (failures === 1 || failures % 10 === 0) {
          this.logger.warn({ group: this.options.groupId, code: error.code, failures }, "heartbeat failed; retrying");
        }
        if (this.ctx.seams.nowMs() - this.lastSuccessSentMs >= this.options.sessionTimeoutMs && this.owned.size > 0) {
          await this.lose("no successful heartbeat within the session timeout");
        }
        await this.sleep(Math.min(this.intervalMs, 100 * 2 ** Math.min(failures, 4)));
        continue;
      }
      await this.sleep(this.intervalMs);
    }
  }

  /** Gives up everything without committing, and rejoins as a new incarnation. */
  private async lose(why: string): Promise<void> {
    this.logger.warn({ group: this.options.groupId, member: this.memberId, why }, "partitions lost; rejoining");
    const lost = toList(this.owned);
    this.owned.clear();
    this.target = null;
    this.memberEpoch = 0;
    if (lost.length > 0) {
      await this.handlers
        .onLost(lost)
        .catch((e: unknown) => this.logger.warn({ err: (e as Error).message }, "onLost failed"));
    }
  }

  /** Moves `owned` toward `target`, one step at a time, beside the heartbeat loop. */
  private reconcile(): void {
    if (this.reconciling) return;
    const target = this.target;
    if (target === null) return;
    const revoked = [...this.owned].filter((k) => !target.has(k));
    const added = [...target].filter((k) => !this.owned.has(k));
    if (revoked.length === 0 && added.length === 0) {
      for (const w of this.settledWaiters.splice(0)) w();
      return;
    }
    this.reconciling = true;
    const epochAtStart = this.memberEpoch;
    const step = async () => {
      if (revoked.length > 0) {
        await this.handlers.onRevoke(toList(revoked));
        for (const k of revoked) this.owned.delete(k);
        // Tell the coordinator at once, so it can hand these to their new owners.
        this.wake();
      }
      // Partitions are taken only from an answer given after this member released what it
      // had to (the coordinator never grants while a release is pending).
      if (added.length > 0 && revoked.length === 0 && this.memberEpoch === epochAtStart) {
        for (const k of added) this.owned.add(k);
        await this.handlers.onAssign(toList(added));
      }
    };
    step()
      .catch((e: unknown) =>
        this.logger.error({ group: this.options.groupId, err: (e as Error).message }, "rebalance callback failed"),
      )
      .finally(() => {
        this.reconciling = false;
        if (!this.stopped) this.reconcile();
      });
  }
}
