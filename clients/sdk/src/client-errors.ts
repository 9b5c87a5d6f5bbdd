/**
 * Errors the client raises itself, beside the ones brokers answer with. Both are
 * TidelogErrors, so callers branch on `code` and `retriable` alone; these subclasses add
 * what only the client knows: which address did not answer, and how many attempts were
 * made before giving up.
 */
import { TidelogError } from "./errors.js";

export type TransportCode = "NETWORK_EXCEPTION" | "REQUEST_TIMED_OUT";

/**
 * No answer came back: the connection failed (gRPC UNAVAILABLE, CANCELLED) or the deadline
 * passed first (DEADLINE_EXCEEDED). The request may or may not have been applied.
 */
export class TransportError extends TidelogError {
  readonly address: string;
  readonly grpcStatus: string;

  constructor(code: TransportCode, address: string, grpcStatus: string, detail: string, options?: { cause?: unknown }) {
    super(code, `no answer from ${address} (gRPC ${grpcStatus}: ${detail})`, options);
    this.name = "TransportError";
    this.address = address;
    this.grpcStatus = grpcStatus;
  }
}

export type GiveUpReason = "retries" | "deadline";

/**
 * The last of several attempts failed. `code` is the last failure's, so a caller handles
 * it as it would that failure; the message says how many attempts, how long, and why.
 */
export class RetriesExhaustedError extends TidelogError {
  readonly attempts: number;
  readonly elapsedMs: number;
  readonly reason: GiveUpReason;
  readonly lastError: TidelogError;

  constructor(operation: string, lastError: TidelogError, attempts: number, elapsedMs: number, reason: GiveUpReason) {
    const why = reason === "retries" ? "no retries left" : "the next retry would pass the request timeout";
    super(
      lastError.code,
      `${operation} failed after ${attempts} attempt${attempts === 1 ? "" : "s"} in ${elapsedMs} ms (${why}); last error: ${lastError.message}`,
      { cause: lastError },
    );
    this.name = "RetriesExhaustedError";
    this.attempts = attempts;
    this.elapsedMs = elapsedMs;
    this.reason = reason;
    this.lastError = lastError;
  }
}

/** True when the cluster never answered: every attempt (or the only one) failed in transport. */
export function isTransportError(e: unknown): e is TidelogError {
  if (e instanceof TransportError) return true;
  return e instanceof RetriesExhaustedError && e.lastError instanceof TransportError;
}

/** The text after "CODE: " in a TidelogError's message: what to show beside a separately printed code. */
export function errorDetail(e: TidelogError): string {
  const prefix = `${e.code}: `;
  return e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
}
