/**
 * The one rule for an error that reaches an edge (a gRPC handler, an HTTP route, a
 * coordinator turning a write failure into a code) without being a TidelogError.
 *
 * An ordinary unexpected error (a bug in one request's handling) is logged and answered
 * as UNKNOWN_SERVER_ERROR: the client sees a typed error and the broker keeps serving.
 *
 * A violated invariant is different: state in memory or on disk is already wrong, and
 * answering it as an error code would let the broker keep serving from that state. It
 * is thrown again outside the request, so it reaches the process's uncaughtException
 * handler (src/server/main.ts), which logs it as fatal and exits; the controller then
 * moves leadership to a replica whose state was not corrupted.
 */
import { TidelogError } from "@tidelog/client/record";
import { InvariantViolation } from "./invariant.js";
import type { Logger } from "./logger.js";

/** `e` as the typed error an edge answers with; a violated invariant also stops the process. */
export function asServerError(e: unknown, logger: Logger, what = "request failed unexpectedly"): TidelogError {
  if (e instanceof TidelogError) return e;
  rethrowIfInvariantViolation(e);
  logger.error({ err: e }, what);
  return new TidelogError("UNKNOWN_SERVER_ERROR", e instanceof Error ? e.message : String(e));
}

/**
 * Where an error is mapped to a code other than UNKNOWN_SERVER_ERROR (a coordinator's
 * write failing becomes COORDINATOR_NOT_AVAILABLE): a violated invariant must not be
 * mapped, it stops the process.
 */
export function rethrowIfInvariantViolation(e: unknown): void {
  if (!(e instanceof InvariantViolation)) return;
  // Out of the request's promise chain, so no catch on the way can swallow it.
  setImmediate(() => {
    throw e;
  });
  throw e;
}
