/**
 * The checks every options object of the SDK (producer, consumer) runs on its values:
 * one wording and one error code (INVALID_CONFIG) for every refused value.
 */
import { TidelogError } from "./errors.js";

export function invalidOption(detail: string): TidelogError {
  return new TidelogError("INVALID_CONFIG", detail);
}

/** `value` when it is a safe integer in [min, max]; else INVALID_CONFIG naming the option. */
export function integerOption(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw invalidOption(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
  return value;
}
