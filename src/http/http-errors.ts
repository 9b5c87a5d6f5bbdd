/**
 * Errors on the HTTP API: every failure is answered as JSON
 *
 *   {"error": {"code": 36, "name": "TOPIC_ALREADY_EXISTS", "message": "...", "retriable": false}}
 *
 * with the code and name from the shared error-code table (the same numbers the gRPC API
 * and the SDK use), and an HTTP status chosen from the code: a client that only looks
 * at the status still does the right thing (4xx: fix the request; 503: retry later).
 */
import { type ErrorName, TidelogError } from "@tidelog/client/record";

export interface ErrorBody {
  readonly error: { code: number; name: ErrorName; message: string; retriable: boolean };
}

const STATUS: Partial<Record<ErrorName, number>> = {
  SASL_AUTHENTICATION_FAILED: 401,
  CLUSTER_AUTHORIZATION_FAILED: 403,
  TOPIC_AUTHORIZATION_FAILED: 403,
  GROUP_AUTHORIZATION_FAILED: 403,
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 403,
  UNKNOWN_TOPIC_OR_PARTITION: 404,
  RESOURCE_NOT_FOUND: 404,
  GROUP_ID_NOT_FOUND: 404,
  TOPIC_ALREADY_EXISTS: 409,
  NON_EMPTY_GROUP: 409,
  ELECTION_NOT_NEEDED: 409,
  REASSIGNMENT_IN_PROGRESS: 409,
  NO_REASSIGNMENT_IN_PROGRESS: 409,
  INVALID_TXN_STATE: 409,
  THROTTLING_QUOTA_EXCEEDED: 429,
  UNKNOWN_SERVER_ERROR: 500,
};

/** The HTTP status for an error: by table entry, else 503 for retriable and 400 for the rest. */
export function httpStatusOf(e: TidelogError): number {
  return STATUS[e.code] ?? (e.retriable ? 503 : 400);
}

export function errorBody(e: TidelogError): ErrorBody {
  return { error: { code: e.errorCode, name: e.code, message: e.detail, retriable: e.retriable } };
}

/** A wire ErrorInfo ({code, message}) as a TidelogError, or null for success. */
export function fromErrorInfo(info: { code?: number; message?: string } | null | undefined): TidelogError | null {
  if (!info?.code) return null;
  return TidelogError.fromCode(info.code, info.message);
}
