/**
 * The exit codes scripts can trust, and how a failure maps to one. Numbers never change
 * once shipped.
 */
import { isTransportError, TidelogError } from "@tidelog/client";

export const ExitCode = {
  /** Everything asked for was done. */
  ok: 0,
  /** The cluster answered with an error (a topic exists already, a config is invalid, ...). */
  clusterError: 1,
  /** Bad flags or arguments, or no usable bootstrap brokers: nothing was sent. */
  usage: 2,
  /** The cluster could not be reached: every attempt failed in transport or timed out. */
  unreachable: 3,
  /**
   * A bug in tidelog: an unexpected failure, reported with its stack. sysexits' EX_SOFTWARE,
   * so a script never mistakes it for the cluster's refusal (1).
   */
  internal: 70,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A mistake in how the CLI was called, found after parsing (commander reports the others). */
export class UsageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "UsageError";
  }
}

export function exitCodeFor(e: unknown): ExitCode {
  if (e instanceof UsageError) return ExitCode.usage;
  if (isTransportError(e)) return ExitCode.unreachable;
  // A TidelogError is the cluster's answer. Anything else is a bug in the CLI; the
  // session prints its stack so it can be reported.
  return e instanceof TidelogError ? ExitCode.clusterError : ExitCode.internal;
}

export const EXIT_CODES_HELP = `Exit codes:
  0  success
  1  the cluster answered with an error, printed on stderr as "error: CODE: message"
  2  usage error: bad flags or arguments, or no usable bootstrap brokers (nothing was sent)
  3  the cluster could not be reached: every attempt failed or timed out
  70 an internal error (a bug in tidelog): the message and stack are on stderr
Ctrl-C (or SIGTERM, or stdout closed by its reader) ends produce and consume cleanly:
they report what was done and exit 0.`;
