/**
 * The exit codes scripts can trust, and how a failure maps to one. Numbers never change
 * once shipped.
 */
import { isTransportError } from "@tidelog/client";

export const ExitCode = {
  /** Everything asked for was done. */
  ok: 0,
  /** The cluster answered with an error (a topic exists already, a config is invalid, ...). */
  clusterError: 1,
  /** Bad flags or arguments, or no usable bootstrap brokers: nothing was sent. */
  usage: 2,
  /** The cluster could not be reached: every attempt failed in transport or timed out. */
  unreachable: 3,
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
  // A TidelogError is the cluster's answer. Anything else is a bug in the CLI; it still
  // fails the command, and main prints its stack so it can be reported.
  return ExitCode.clusterError;
}

export const EXIT_CODES_HELP = `Exit codes:
  0  success
  1  the cluster answered with an error, printed on stderr as "error: CODE: message"
  2  usage error: bad flags or arguments, or no usable bootstrap brokers (nothing was sent)
  3  the cluster could not be reached: every attempt failed or timed out`;
