/**
 * Which failures an admin call retries. Transport failures always; of the codes brokers
 * answer with, only those that mean "wrong broker" or "the cluster is briefly unable".
 * Each is retriable in the shared table (a test pins that). Left out on purpose:
 * UNKNOWN_TOPIC_OR_PARTITION is retriable for produce and fetch, where metadata may lag,
 * but to an admin call it is the answer; and the election codes, which describe the
 * replicas' state rather than a passing condition worth a blind wait.
 */
import { errorOf } from "./admin-wire.js";
import type { ClientContext } from "./client-context.js";
import { TransportError } from "./client-errors.js";
import type { ErrorName, TidelogError } from "./errors.js";
import type { AdminRpcs } from "./rpc.js";

export const ADMIN_RETRIED_CODES: ReadonlySet<ErrorName> = new Set<ErrorName>([
  "NOT_CONTROLLER",
  "METADATA_UNAVAILABLE",
  "REQUEST_TIMED_OUT",
  "NETWORK_EXCEPTION",
  "BROKER_NOT_AVAILABLE",
]);

export function isAdminRetriable(e: TidelogError): boolean {
  return e instanceof TransportError || (e.retriable && ADMIN_RETRIED_CODES.has(e.code));
}

/**
 * One Admin call at any broker, retried; a response-level error is thrown inside the
 * attempt so that the retriable ones are retried too.
 */
export function callAnyBroker<M extends keyof AdminRpcs>(
  ctx: ClientContext,
  method: M,
  request: AdminRpcs[M][0],
): Promise<AdminRpcs[M][1]> {
  return ctx.retrier.run(
    method,
    async (a) => {
      const response = await ctx.callAdmin(ctx.metadata.nextAddress(), method, request, a.deadlineMs);
      const error = "error" in response ? errorOf((response as { error?: Parameters<typeof errorOf>[0] }).error) : null;
      if (error) throw error;
      return response;
    },
    isAdminRetriable,
  );
}
