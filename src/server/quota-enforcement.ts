/**
 * Client quotas at the gRPC edge (client-quota.ts, client-quota-manager.ts): every
 * request a client sends counts against its request_rate; a produce request's record
 * bytes against its producer_byte_rate; a fetch answer's record bytes against its
 * consumer_byte_rate. A client over a quota has its answer held back for the throttle
 * time, which the answer carries (`throttleTimeMs` on produce and fetch answers), as
 * Kafka delays a throttled client: it slows down, nothing fails, nothing is lost.
 *
 * The caller is the principal's name (User:alice is user "alice"; without a certificate,
 * "ANONYMOUS") and the client id the SDK sends in the `tidelog-client-id` header.
 *
 * Nothing is measured while the cluster has no quotas: a request then costs one check.
 */
import type * as grpc from "@grpc/grpc-js";
import type { Clock } from "../common/clock.js";
import type { QuotaIndex, QuotaKind } from "../security/client-quota.js";
import type { ClientQuotaManager } from "../security/client-quota-manager.js";
import type { PrincipalResolver } from "./authorization.js";

/** The header the SDK names its client id in (client-context.ts CLIENT_ID_HEADER). */
const CLIENT_ID_HEADER = "tidelog-client-id";
/** Client ids longer than this are cut before they key a quota (the SDK allows 255 characters). */
const CLIENT_ID_MAX_CHARS = 255;

export interface QuotaEnforcement {
  readonly quotas: () => QuotaIndex;
  readonly manager: ClientQuotaManager;
  readonly principals: PrincipalResolver;
  readonly clock: Pick<Clock, "after">;
  /** Told of every throttled answer, for the metrics. */
  readonly onThrottled: (kind: QuotaKind, throttleMs: number) => void;
}

/**
 * What a method's requests and answers are charged with besides one request each;
 * "stream" for a stream that charges its requests itself (produceStreamThrottle);
 * "exempt" for what only brokers call.
 */
export type Charge = "produce" | "fetch" | "stream" | "exempt";

type AnyCall = grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerDuplexStream<unknown, unknown>;

/** Every byte of record data in a message: the Buffers anywhere in it. */
export function recordBytes(message: unknown, depth = 0): number {
  if (Buffer.isBuffer(message)) return message.length;
  if (message === null || typeof message !== "object" || depth > 8) return 0;
  let total = 0;
  for (const v of Array.isArray(message) ? message : Object.values(message)) total += recordBytes(v, depth + 1);
  return total;
}

function caller(call: AnyCall, principals: PrincipalResolver): { user: string; clientId: string } {
  const principal = principals.of(call) ?? "User:ANONYMOUS";
  const clientId = String(call.metadata.get(CLIENT_ID_HEADER)[0] ?? "").slice(0, CLIENT_ID_MAX_CHARS);
  return { user: principal.replace(/^User:/, ""), clientId };
}

/** How long to hold back an answer, and which quota it was for (the longest throttle wins). */
function charge(
  q: QuotaEnforcement,
  who: { user: string; clientId: string },
  charges: readonly [QuotaKind, number][],
): number {
  let longest = 0;
  let kind: QuotaKind | null = null;
  for (const [k, amount] of charges) {
    const ms = q.manager.record(k, who.user, who.clientId, amount);
    if (ms > longest) {
      longest = ms;
      kind = k;
    }
  }
  if (kind !== null) q.onThrottled(kind, longest);
  return longest;
}

function withThrottle(res: unknown, throttleMs: number): unknown {
  if (throttleMs > 0 && res !== null && typeof res === "object" && "topics" in res)
    return { ...(res as object), throttleTimeMs: throttleMs };
  return res;
}

/** Wraps a service's handlers so each request counts against its caller's quotas. */
export function throttleHandlers<H extends object>(
  handlers: H,
  charges: Readonly<Partial<Record<keyof H, Charge>>>,
  q: QuotaEnforcement,
): H {
  const out: Record<string, unknown> = {};
  for (const [method, handler] of Object.entries(handlers as Record<string, (...a: never[]) => void>)) {
    const what = (charges as Readonly<Record<string, Charge | undefined>>)[method] ?? null;
    // Broker-to-broker calls (exempt) are not a client's traffic, as Kafka exempts replication.
    if (what === "stream" || what === "exempt") {
      out[method] = handler;
      continue;
    }
    const wrapped = throttleUnary(handler as unknown as grpc.handleUnaryCall<unknown, unknown>, what, q);
    // Keep what other wrappers hang on a handler (its refusal, its limit class).
    out[method] = Object.assign(wrapped, handler);
  }
  return out as H;
}

function throttleUnary(
  unary: grpc.handleUnaryCall<unknown, unknown>,
  what: Charge | null,
  q: QuotaEnforcement,
): grpc.handleUnaryCall<unknown, unknown> {
  return (call, callback) => {
    if (q.quotas().size === 0) return unary(call, callback);
    const who = caller(call, q.principals);
    const before: [QuotaKind, number][] = [["request_rate", 1]];
    if (what === "produce") before.push(["producer_byte_rate", recordBytes(call.request)]);
    unary(call, (err, res, ...rest) => {
      const charges = what === "fetch" && res ? [...before, ["consumer_byte_rate", recordBytes(res)] as const] : before;
      const throttleMs = charge(q, who, charges as [QuotaKind, number][]);
      if (throttleMs === 0) callback(err, res, ...rest);
      else q.clock.after(throttleMs, () => callback(err, withThrottle(res, throttleMs), ...rest));
    });
  };
}

/**
 * For a produce stream (broker-service.ts): per stream, a function that charges each
 * request as it arrives and answers a promise that resolves, with the throttle time,
 * once that request's answer may go (null when it need not wait). The stream answers in
 * order, so a held answer holds the ones after it, and its bound on requests in flight
 * bounds the held answers too.
 */
export function produceStreamThrottle(
  q: QuotaEnforcement,
): (call: AnyCall) => ((req: unknown) => Promise<number> | null) | null {
  return streamThrottle(q, (req) => [
    ["request_rate", 1],
    ["producer_byte_rate", recordBytes(req)],
  ]);
}

/** produceStreamThrottle for a stream of other requests (EndTxnStream): each counts as one request. */
export function requestStreamThrottle(
  q: QuotaEnforcement,
): (call: AnyCall) => ((req: unknown) => Promise<number> | null) | null {
  return streamThrottle(q, () => [["request_rate", 1]]);
}

function streamThrottle(
  q: QuotaEnforcement,
  charges: (req: unknown) => [QuotaKind, number][],
): (call: AnyCall) => ((req: unknown) => Promise<number> | null) | null {
  return (call) => {
    if (q.quotas().size === 0) return null;
    const who = caller(call, q.principals);
    return (req) => {
      const ms = charge(q, who, charges(req));
      return ms === 0 ? null : new Promise((resolve) => q.clock.after(ms, () => resolve(ms)));
    };
  };
}
