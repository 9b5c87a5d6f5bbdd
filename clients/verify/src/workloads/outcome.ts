/**
 * How a client error becomes a completion: `fail` only when the operation certainly did
 * not take effect (refused before anything was sent, or a refusal the protocol makes
 * final), `info` otherwise. When in doubt, `info`: calling an indeterminate op failed
 * would make a checker report a write that did happen as an anomaly, and calling a
 * failed op indeterminate only makes it "recovered" if it shows up.
 */
import { isTidelogError, RetriesExhaustedError } from "@tidelog/client";

/** Codes a producer gets only when nothing was written: the request was refused as malformed. */
const SEND_REFUSED: ReadonlySet<string> = new Set([
  "INVALID_RECORD",
  "MESSAGE_TOO_LARGE",
  "RECORD_LIST_TOO_LARGE",
  "INVALID_TOPIC_EXCEPTION",
  "INVALID_REQUIRED_ACKS",
  "INVALID_CONFIG",
]);

/** Codes with which the group coordinator refuses a commit outright. */
const COMMIT_REFUSED: ReadonlySet<string> = new Set([
  "UNKNOWN_MEMBER_ID",
  "FENCED_MEMBER_EPOCH",
  "STALE_MEMBER_EPOCH",
  "ILLEGAL_GENERATION",
  "REBALANCE_IN_PROGRESS",
  "INVALID_REQUEST",
  "INVALID_CONFIG",
]);

/** A refusal after earlier attempts that got no answer: one of those may have been applied. */
function afterUnansweredAttempts(e: unknown): boolean {
  return e instanceof RetriesExhaustedError && e.attempts > 1;
}

export function sendCompletion(e: unknown): "fail" | "info" {
  return isTidelogError(e) && SEND_REFUSED.has(e.code) && !afterUnansweredAttempts(e) ? "fail" : "info";
}

export function commitCompletion(e: unknown): "fail" | "info" {
  return isTidelogError(e) && COMMIT_REFUSED.has(e.code) && !afterUnansweredAttempts(e) ? "fail" : "info";
}
