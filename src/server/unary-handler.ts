/**
 * The shape of every unary gRPC handler of the admin and group services: run the
 * request, and turn any exception into a typed error response (never a dropped call or
 * a gRPC status, which clients would see as a transport failure).
 */
import type * as grpc from "@grpc/grpc-js";
import { TidelogError } from "@tidelog/client/record";
import type { AdminCall } from "../cluster/controller.js";
import type { Logger } from "../common/logger.js";

export type Unary<Req, Res> = (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => void;

/** The caller has gone: cancelled, or past the deadline it sent. */
export function adminCall(call: grpc.ServerUnaryCall<unknown, unknown>): AdminCall {
  const deadline = call.getDeadline();
  const deadlineMs = deadline instanceof Date ? deadline.getTime() : Number(deadline);
  return { abandoned: () => call.cancelled || (Number.isFinite(deadlineMs) && Date.now() > deadlineMs) };
}

/** Wraps a handler so that any exception becomes a typed error response, not a dropped call. */
export function unary<Req, Res>(
  logger: Logger,
  onError: (e: TidelogError) => Res,
  fn: (req: Req, call: AdminCall) => Promise<Res> | Res,
): Unary<Req, Res> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => fn(call.request, adminCall(call)))
      .then((res) => callback(null, res))
      .catch((e: unknown) => {
        const err = e instanceof TidelogError ? e : new TidelogError("UNKNOWN_SERVER_ERROR", (e as Error)?.message);
        if (!(e instanceof TidelogError)) logger.error({ err: e }, "request failed unexpectedly");
        callback(null, onError(err));
      });
  };
}
