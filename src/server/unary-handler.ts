/**
 * The shape of every unary gRPC handler of the admin and group services: run the
 * request, and turn any exception into a typed error response (never a dropped call or
 * a gRPC status, which clients would see as a transport failure). The same response
 * answers a request the request limits refuse (request-limits.ts), unless the handler
 * gives a `refuse` of its own.
 */
import type * as grpc from "@grpc/grpc-js";
import type { TidelogError } from "@tidelog/client/record";
import type { AdminCall } from "../cluster/controller.js";
import type { Logger } from "../common/logger.js";
import { asServerError } from "../common/server-error.js";
import { type Refusable, type Refuse, refusable } from "./request-limits.js";

export type Unary<Req, Res> = (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => void;

/** The caller has gone: cancelled, or past the deadline it sent. */
export function adminCall(call: grpc.ServerUnaryCall<unknown, unknown>): AdminCall {
  const deadline = call.getDeadline();
  const deadlineMs = deadline instanceof Date ? deadline.getTime() : Number(deadline);
  // The caller's deadline is wall-clock time (gRPC's), so it is compared with the wall clock.
  return { abandoned: () => call.cancelled || (Number.isFinite(deadlineMs) && Date.now() > deadlineMs) }; // wall clock
}

/**
 * Wraps a handler so that any exception becomes a typed error response, not a dropped call.
 * A refused request is answered by `refuse`, by default `onError` of the refusal.
 */
export function unary<Req, Res>(
  logger: Logger,
  onError: (e: TidelogError) => Res,
  fn: (req: Req, call: AdminCall) => Promise<Res> | Res,
  refuse: Refuse<Req, Res> = (_req, e) => onError(e),
): Refusable<Unary<Req, Res>, Req, Res> {
  const handler: Unary<Req, Res> = (call, callback) => {
    Promise.resolve()
      .then(() => fn(call.request, adminCall(call)))
      .then((res) => callback(null, res))
      .catch((e: unknown) => {
        callback(null, onError(asServerError(e, logger)));
      });
  };
  return refusable(handler, refuse, "request");
}
