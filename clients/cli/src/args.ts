/**
 * Argument checks at the edge, so a bad flag is a usage error (exit 2) with a message
 * that says what is allowed, before anything is sent to the cluster. Each parser has
 * the shape commander's argParser expects: (value, previous) => accumulated value.
 */
import { InvalidArgumentError } from "@commander-js/extra-typings";
import { parseBrokerList, TidelogError } from "@tidelog/client";
import { topicNameProblem } from "@tidelog/client/protocol";

const CONFIG_KEY = /^[a-zA-Z0-9._-]+$/;
const POSITIVE_INT = /^[1-9][0-9]*$/;
const INT32_MAX = 2 ** 31 - 1;

/** Kafka's rule, shared with the broker: 1-249 of [a-zA-Z0-9._-], and not "." or "..". */
export function parseTopicName(value: string): string {
  const problem = topicNameProblem(value);
  if (problem) throw new InvalidArgumentError(`${problem} (use 1-249 of a-z A-Z 0-9 . _ -)`);
  return value;
}

export function collectTopicNames(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), parseTopicName(value)];
}

export function parsePositiveInt(value: string, max = INT32_MAX): number {
  const n = Number(value);
  if (!POSITIVE_INT.test(value) || n > max) {
    throw new InvalidArgumentError(`'${value}' is not a whole number between 1 and ${max}.`);
  }
  return n;
}

function parseConfigKey(key: string, given: string): string {
  if (!CONFIG_KEY.test(key)) {
    throw new InvalidArgumentError(`'${given}' does not start with a config name such as retention.ms.`);
  }
  return key;
}

/** `key=value`, repeatable, collected into a record; a key given twice is refused. */
export function collectKeyValue(value: string, previous: Record<string, string> | undefined): Record<string, string> {
  const eq = value.indexOf("=");
  if (eq <= 0 || eq === value.length - 1) {
    throw new InvalidArgumentError(`'${value}' is not key=value (for example retention.ms=86400000).`);
  }
  const key = parseConfigKey(value.slice(0, eq), value);
  if (previous && key in previous) throw new InvalidArgumentError(`'${key}' is given more than once.`);
  return { ...previous, [key]: value.slice(eq + 1) };
}

/** A config name, repeatable, collected into a list. */
export function collectConfigKey(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), parseConfigKey(value, value)];
}

export function parseBootstrap(value: string): string {
  try {
    return parseBrokerList(value, "--bootstrap").join(",");
  } catch (e) {
    if (e instanceof TidelogError)
      throw new InvalidArgumentError(e.message.replace(/^INVALID_CONFIG: --bootstrap: /, ""));
    throw e;
  }
}

const NON_NEGATIVE_INT = /^(0|[1-9][0-9]*)$/;

/** 0 or more: partitions and offsets. */
export function parseNonNegativeInt(value: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!NON_NEGATIVE_INT.test(value) || n > max) {
    throw new InvalidArgumentError(`'${value}' is not a whole number between 0 and ${max}.`);
  }
  return n;
}

/** --acks: 0, 1, all (or -1). */
export function parseAcks(value: string): 0 | 1 | -1 {
  if (value === "0") return 0;
  if (value === "1") return 1;
  if (value === "all" || value === "-1") return -1;
  throw new InvalidArgumentError(`'${value}' is not 0, 1 or all.`);
}

/** A record header `key=value`, repeatable; keys may repeat, as Kafka headers may. */
export function collectHeader(
  value: string,
  previous: { key: string; value: string }[] | undefined,
): { key: string; value: string }[] {
  const eq = value.indexOf("=");
  if (eq <= 0) throw new InvalidArgumentError(`'${value}' is not key=value (for example source=billing).`);
  return [...(previous ?? []), { key: value.slice(0, eq), value: value.slice(eq + 1) }];
}

/** A point in time: milliseconds since the epoch, or an ISO 8601 date-time ("2024-05-01T12:00:00Z"). */
export function parseTime(value: string): number {
  const ms = NON_NEGATIVE_INT.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new InvalidArgumentError(`'${value}' is neither milliseconds since the epoch nor an ISO 8601 time.`);
  }
  return ms;
}

/** A non-empty separator string; "\t" and "\n" escapes are understood. */
export function parseSeparator(value: string): string {
  const unescaped = value.replace(/\\t/g, "\t").replace(/\\n/g, "\n");
  if (unescaped.length === 0) throw new InvalidArgumentError("the separator must not be empty.");
  return unescaped;
}

/** A repeatable --partition option's parser: each value is a partition number, collected in order. */
export function collectPartition(value: string, previous: number[] | undefined): number[] {
  return [...(previous ?? []), parseNonNegativeInt(value, 2 ** 31 - 1)];
}
