/**
 * Kafka's rules for topic names, shared by the broker (the authority) and the clients
 * (which check early, for a better message): 1 to 249 characters of [a-zA-Z0-9._-],
 * and not "." or "..". Names starting with "__" are reserved for internal topics.
 */
import { TidelogError } from "../errors.js";

export const TOPIC_NAME_MAX_LENGTH = 249;
const LEGAL = /^[a-zA-Z0-9._-]+$/;

/** Why `name` is not a legal topic name, or null when it is. */
export function topicNameProblem(name: string): string | null {
  if (name.length === 0) return "a topic name cannot be empty";
  if (name === "." || name === "..") return `'${name}' is not allowed as a topic name`;
  if (name.length > TOPIC_NAME_MAX_LENGTH) {
    return `topic name is ${name.length} characters; at most ${TOPIC_NAME_MAX_LENGTH} are allowed`;
  }
  if (!LEGAL.test(name)) {
    return `topic name '${name}' may contain only ASCII letters, digits, '.', '_' and '-'`;
  }
  return null;
}

export function validateTopicName(name: string): string {
  const problem = topicNameProblem(name);
  if (problem) throw new TidelogError("INVALID_TOPIC_EXCEPTION", problem);
  return name;
}

export function isInternalTopic(name: string): boolean {
  return name.startsWith("__");
}
