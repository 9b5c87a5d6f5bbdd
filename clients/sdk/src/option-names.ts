/**
 * Options passed from JavaScript are not checked by the type system: a typo such as
 * `lingerMS` would otherwise be ignored without a word and the default used. Every
 * options object is checked against the names its type declares (the lists below are
 * tied to the types, so adding an option without listing it fails to compile), and an
 * unknown name is refused with INVALID_CONFIG and the nearest known one.
 */
import type { ClientOptions } from "./client.js";
import type { ConsumerOptions } from "./consumer-types.js";
import { TidelogError } from "./errors.js";
import type { ProducerOptions } from "./producer-types.js";

/** Every key of T, listed once: a missing or extra name is a compile error. */
function names<T>() {
  return <const N extends readonly (keyof T)[]>(
    list: N & ([Exclude<keyof T, N[number]>] extends [never] ? unknown : { missing: Exclude<keyof T, N[number]> }),
  ): readonly string[] => list as readonly string[];
}

export const PRODUCER_OPTION_NAMES = names<ProducerOptions>()([
  "acks",
  "lingerMs",
  "batchSize",
  "compression",
  "bufferMemory",
  "maxBlockMs",
  "maxInFlightPerPartition",
  "deliveryTimeoutMs",
  "requestTimeoutMs",
  "idempotent",
  "maxRequestBytes",
  "partitioner",
  "transactionalId",
  "transactionTimeoutMs",
  "waitForTopic",
]);

export const CONSUMER_OPTION_NAMES = names<ConsumerOptions>()([
  "autoOffsetReset",
  "isolationLevel",
  "maxWaitMs",
  "minBytes",
  "maxBytes",
  "maxPartitionBytes",
  "maxBufferedBytes",
  "requestTimeoutMs",
  "groupId",
  "groupInstanceId",
  "sessionTimeoutMs",
  "rebalanceTimeoutMs",
  "assignor",
  "autoCommit",
  "autoCommitIntervalMs",
  "waitForTopic",
]);

export const CLIENT_OPTION_NAMES = names<ClientOptions>()([
  "brokers",
  "ssl",
  "sasl",
  "clientId",
  "requestTimeoutMs",
  "attemptTimeoutMs",
  "retry",
  "logger",
]);

/**
 * Names other Kafka clients use for a choice tidelog makes differently, with what to do
 * instead: refused with that advice rather than a bare "unknown option".
 */
const NO_AUTO_CREATE =
  "brokers never create a topic on first use: create it first (admin.createTopic, `tidelog topics create`), or pass waitForTopic: true to wait until it exists";
const NOT_SUPPORTED: ReadonlyMap<string, string> = new Map([
  // kafkajs's producer and consumer option, and Kafka's allow.auto.create.topics.
  ["allowAutoTopicCreation", NO_AUTO_CREATE],
  ["allowAutoCreateTopics", NO_AUTO_CREATE],
]);

/** INVALID_CONFIG for the first name of `given` that `known` does not list, with the nearest known name. */
export function checkOptionNames(kind: string, given: object | null | undefined, known: readonly string[]): void {
  if (given === null || given === undefined) return;
  if (typeof given !== "object") throw new TidelogError("INVALID_CONFIG", `${kind} options must be an object`);
  for (const name of Object.keys(given)) {
    if (known.includes(name)) continue;
    const advice = NOT_SUPPORTED.get(name);
    if (advice !== undefined) {
      throw new TidelogError("INVALID_CONFIG", `${kind} option '${name}' is not supported: ${advice}`);
    }
    const near = closestName(name, known);
    throw new TidelogError(
      "INVALID_CONFIG",
      `unknown ${kind} option '${name}'${near ? ` (did you mean '${near}'?)` : ""}; the options are ${known.join(", ")}`,
    );
  }
}

/**
 * The known name equal to `name` but for case, else the nearest within `maxEdits` edits
 * (case ignored), else null: what a "did you mean" offers. Exported for the CLI's own
 * names (topic configs, environment variables).
 */
export function closestName(name: string, known: readonly string[], maxEdits = 2): string | null {
  const lower = name.toLowerCase();
  const sameCase = known.find((k) => k.toLowerCase() === lower);
  if (sameCase) return sameCase;
  let best: string | null = null;
  let bestDistance = maxEdits + 1;
  for (const k of known) {
    const d = editDistance(lower, k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (cur[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
