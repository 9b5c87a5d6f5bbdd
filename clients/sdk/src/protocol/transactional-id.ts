/**
 * The rule for transactional ids, shared by the broker (the authority: the coordinator
 * refuses others with INVALID_REQUEST) and the clients (which check early, for a better
 * message): 1 to 255 UTF-16 units, no control characters. Kafka sets no limit; 255 bounds
 * every key and request that carries one.
 */
export const TRANSACTIONAL_ID_MAX_LENGTH = 255;

/** Why `id` cannot be a transactional id, or null. */
export function transactionalIdProblem(id: string): string | null {
  if (id.length === 0) return "a transactional id must not be empty";
  if (id.length > TRANSACTIONAL_ID_MAX_LENGTH) {
    return `a transactional id is at most ${TRANSACTIONAL_ID_MAX_LENGTH} characters, not ${id.length}`;
  }
  for (let i = 0; i < id.length; i++) {
    if (id.charCodeAt(i) < 0x20) return "a transactional id must not contain control characters";
  }
  return null;
}
