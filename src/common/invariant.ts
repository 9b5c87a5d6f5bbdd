/**
 * Invariants that must hold whatever the input: a failure is a bug in tidelog, not bad
 * input, so it throws loudly (and is never caught as an ordinary error code). Bad input
 * is answered with a TidelogError instead.
 */
export class InvariantViolation extends Error {
  override readonly name = "InvariantViolation";
}

export function invariant(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) throw new InvariantViolation(typeof message === "string" ? message : message());
}

export function assertSafeOffset(offset: number, what: string): void {
  invariant(Number.isSafeInteger(offset) && offset >= 0, () => `${what} ${offset} is not a non-negative safe integer`);
}
