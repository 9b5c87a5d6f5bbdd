/**
 * Which failures an admin call retries. Transport failures always; of the codes brokers
 * answer with, only those that mean "wrong broker" or "the cluster is briefly unable".
 * Each is retriable in the shared table (a test pins that). Left out on purpose:
 * UNKNOWN_TOPIC_OR_PARTITION is retriable for produce and fetch, where metadata may lag,
 * but to an admin call it is the answer; and the election codes, which describe the
 * replicas' state rather than a passing condition worth a blind wait.
 */
import { TransportError } from "./client-errors.js";
import type { ErrorName, TidelogError } from "./errors.js";

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
