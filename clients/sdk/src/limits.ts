/**
 * Every bound the client keeps, in one place, each with what it costs. The ones a user
 * can set are checked against each other once, when a Client is made
 * (`checkClientLimits`), so a bad combination fails at start-up, not mid-request.
 */
import { TidelogError } from "./errors.js";
import type { RetryOptions } from "./retry.js";

/** The longest one call may take, every attempt and backoff included: how long a caller can be kept waiting. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/**
 * One request to one broker. Past this the broker is presumed hung (paused, cut off) and
 * the next attempt goes to another; without it one stuck broker would use up the whole
 * request timeout.
 */
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 10_000;
/** Above this a "timeout" is a hang: ten minutes. */
export const MAX_REQUEST_TIMEOUT_MS = 10 * 60_000;

/** Five retries with 100 ms doubling to 2 s: about 3 s of trying before giving up on a dead cluster. */
export const DEFAULT_RETRY: RetryOptions = Object.freeze({ retries: 5, initialBackoffMs: 100, maxBackoffMs: 2_000 });
/** Each retry is one more request a struggling broker must answer. */
export const MAX_RETRIES = 20;
/** A longer single wait hides an outage from the caller instead of reporting it. */
export const MAX_BACKOFF_MS = 60_000;
/** Backoffs vary by +/- this fraction so clients that failed together do not retry together. */
export const BACKOFF_JITTER = 0.2;

/** Open channels (one per broker address, each an HTTP/2 connection and its buffers). */
export const MAX_CONNECTIONS = 64;
/** Cluster metadata older than this is refreshed before use: how long a moved controller can go unnoticed without an error to reveal it. */
export const METADATA_MAX_AGE_MS = 5 * 60_000;

/** Bootstrap addresses accepted from one source; more is a mistake, not a cluster. */
export const MAX_BOOTSTRAP_BROKERS = 64;
/** Largest .tidelog/cluster.json read: the file holds a few addresses. */
export const CLUSTER_FILE_MAX_BYTES = 64 * 1024;

export interface ClientLimits {
  readonly requestTimeoutMs: number;
  readonly attemptTimeoutMs: number;
  readonly retry: RetryOptions;
}

function invalid(detail: string): TidelogError {
  return new TidelogError("INVALID_CONFIG", detail);
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw invalid(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
}

/** Each value within its range, and the values in agreement with each other. */
export function checkClientLimits(limits: ClientLimits): ClientLimits {
  const { requestTimeoutMs, attemptTimeoutMs, retry } = limits;
  checkInteger("requestTimeoutMs", requestTimeoutMs, 1, MAX_REQUEST_TIMEOUT_MS);
  checkInteger("attemptTimeoutMs", attemptTimeoutMs, 1, MAX_REQUEST_TIMEOUT_MS);
  checkInteger("retry.retries", retry.retries, 0, MAX_RETRIES);
  checkInteger("retry.initialBackoffMs", retry.initialBackoffMs, 1, MAX_BACKOFF_MS);
  checkInteger("retry.maxBackoffMs", retry.maxBackoffMs, 1, MAX_BACKOFF_MS);
  if (retry.initialBackoffMs > retry.maxBackoffMs) {
    throw invalid(
      `retry.initialBackoffMs (${retry.initialBackoffMs}) must not exceed retry.maxBackoffMs (${retry.maxBackoffMs})`,
    );
  }
  return limits;
}
