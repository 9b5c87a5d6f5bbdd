/**
 * Calls to a group's coordinator: finds it (FindCoordinator, asked of the controller
 * first, since the controller is the broker that creates __consumer_offsets on first
 * use), remembers it, and when a call says the coordinator moved or is loading, looks
 * it up again and retries within the client's retry policy and deadline.
 */

import type { ClientContext } from "./client-context.js";
import { TransportError } from "./client-errors.js";
import { type ErrorName, TidelogError } from "./errors.js";
import { errorFromInfo } from "./protocol/grpc.js";
import type { wire } from "./protocol/index.js";
import type { GroupRpcs } from "./rpc.js";

/** Codes that mean "ask again, perhaps elsewhere": the coordinator moved, is loading or is not there yet. */
export const COORDINATOR_RETRIED_CODES: ReadonlySet<ErrorName> = new Set<ErrorName>([
  "NOT_COORDINATOR",
  "COORDINATOR_NOT_AVAILABLE",
  "COORDINATOR_LOAD_IN_PROGRESS",
  "REQUEST_TIMED_OUT",
  "NETWORK_EXCEPTION",
  // A transaction's offsets are not decided yet: ask again shortly rather than read a stale one.
  "UNSTABLE_OFFSET_COMMIT",
]);

/** Coordinators remembered; past this the oldest lookup is forgotten. */
const MAX_REMEMBERED = 1000;

export function isCoordinatorRetriable(e: TidelogError): boolean {
  return e instanceof TransportError || COORDINATOR_RETRIED_CODES.has(e.code);
}

export class GroupRpc {
  private readonly coordinators = new Map<string, string>();

  constructor(private readonly ctx: ClientContext) {}

  /** The coordinator's address for `groupId`, looked up when not known. */
  async coordinator(groupId: string, deadlineMs: number): Promise<string> {
    const known = this.coordinators.get(groupId);
    if (known) return known;
    let res: wire.FindCoordinatorResponse__Output;
    try {
      // The controller first: it is the one broker that creates __consumer_offsets. Half
      // the attempt at most, so a dead controller leaves time to ask another broker.
      const half = this.ctx.seams.nowMs() + Math.floor((deadlineMs - this.ctx.seams.nowMs()) / 2);
      const controller = await this.ctx.metadata.controllerAddress(half);
      res = await this.find(controller, groupId, half);
    } catch (e) {
      if (!(e instanceof TidelogError)) throw e;
      // A dead or deposed controller in cached metadata: ask around instead.
      this.ctx.metadata.invalidate();
      res = await this.find(this.ctx.metadata.nextAddress(), groupId, deadlineMs);
    }
    const c = res.coordinator;
    if (!c) throw new TidelogError("COORDINATOR_NOT_AVAILABLE", `no coordinator for group ${groupId}`);
    const address = `${c.host}:${c.port}`;
    if (this.coordinators.size >= MAX_REMEMBERED) {
      const oldest = this.coordinators.keys().next().value;
      if (oldest !== undefined) this.coordinators.delete(oldest);
    }
    this.coordinators.set(groupId, address);
    return address;
  }

  private async find(
    address: string,
    groupId: string,
    deadlineMs: number,
  ): Promise<wire.FindCoordinatorResponse__Output> {
    const res = await this.ctx.callGroup(address, "findCoordinator", { groupId }, deadlineMs);
    const error = errorFromInfo(res.error);
    if (error) throw error;
    return res;
  }

  forget(groupId: string): void {
    this.coordinators.delete(groupId);
  }

  /**
   * `method` on the coordinator of `groupId`, retried through coordinator moves. `errorOf`
   * picks a response's group-level error; a retriable one is retried, others thrown.
   */
  call<M extends keyof GroupRpcs>(
    groupId: string,
    method: M,
    request: GroupRpcs[M][0],
    errorOf: (response: GroupRpcs[M][1]) => TidelogError | null,
  ): Promise<GroupRpcs[M][1]> {
    return this.ctx.retrier.run(
      `${method} for group ${groupId}`,
      ({ deadlineMs }) => this.once(groupId, method, request, errorOf, deadlineMs),
      isCoordinatorRetriable,
    );
  }

  /** The group's committed offsets for `partitions` (every committed one when empty), as the coordinator lists them. */
  async fetchOffsets(
    groupId: string,
    partitions: readonly { topic: string; partition: number }[],
  ): Promise<{ topic: string; partition: number; offset: number; metadata: string }[]> {
    const byTopic = new Map<string, number[]>();
    for (const tp of partitions) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
    const res = await this.call(
      groupId,
      "offsetFetch",
      // requireStable: never a position that a transaction in flight is about to move.
      { groupId, topics: [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps })), requireStable: true },
      (r) => errorFromInfo(r.error),
    );
    return res.topics.flatMap((t) =>
      t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: p.offset, metadata: p.metadata })),
    );
  }

  /** One attempt, no retry (heartbeats have their own schedule). */
  async once<M extends keyof GroupRpcs>(
    groupId: string,
    method: M,
    request: GroupRpcs[M][0],
    errorOf: (response: GroupRpcs[M][1]) => TidelogError | null,
    deadlineMs: number,
  ): Promise<GroupRpcs[M][1]> {
    try {
      const address = await this.coordinator(groupId, deadlineMs);
      const response = await this.ctx.callGroup(address, method, request, deadlineMs);
      const error = errorOf(response);
      if (error) throw error;
      return response;
    } catch (e) {
      if (e instanceof TidelogError && isCoordinatorRetriable(e)) this.forget(groupId);
      throw e;
    }
  }
}
