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
