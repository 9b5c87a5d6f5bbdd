/**
 * The verifier's own errors. Each has a code that never changes once shipped, so the CLI
 * and a user's tests can branch on it:
 *
 *   INVALID_OPTION   an option of runVerify (or a CLI flag) is out of range or inconsistent
 *   HISTORY_FORMAT   a history file (or op) is not what this version writes: line, index, why
 *   CLUSTER_SETTLE   the cluster did not become whole again after the run, so nothing could be checked
 *
 * A failure of the cluster under test during the run is never an error: it is recorded
 * in the history (fail/info) and judged by the checker.
 */
export type VerifyErrorCode = "INVALID_OPTION" | "HISTORY_FORMAT" | "CLUSTER_SETTLE";

export class VerifyError extends Error {
  override name = "VerifyError";

  constructor(
    readonly code: VerifyErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
  }
}

export function isVerifyError(e: unknown, code?: VerifyErrorCode): e is VerifyError {
  return e instanceof VerifyError && (code === undefined || e.code === code);
}
