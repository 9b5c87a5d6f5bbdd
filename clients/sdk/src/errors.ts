/**
 * The error-code table shared by the broker and every client.
 *
 * Numbers are Kafka's where Kafka has the same error, so an operator who knows Kafka
 * reads them without a glossary; tidelog's own codes start at 1000. A number never
 * changes once shipped: clients compare numbers, not names. `retriable` says whether
 * the same request may succeed if sent again later (after a metadata refresh, a
 * backoff, or both); clients retry only those.
 */

interface ErrorSpec {
  readonly code: number;
  readonly retriable: boolean;
  readonly message: string;
}

function spec(code: number, retriable: boolean, message: string): ErrorSpec {
  return { code, retriable, message };
}

export const ERRORS = {
  UNKNOWN_SERVER_ERROR: spec(-1, false, "The server hit an unexpected error."),
  NONE: spec(0, false, "No error."),
  OFFSET_OUT_OF_RANGE: spec(1, false, "The requested offset is outside the range held by the log."),
  CORRUPT_MESSAGE: spec(2, true, "A record batch failed its length, magic or CRC check."),
  UNKNOWN_TOPIC_OR_PARTITION: spec(3, true, "This server does not host the topic-partition."),
  INVALID_FETCH_SIZE: spec(4, false, "The requested fetch size is invalid."),
  LEADER_NOT_AVAILABLE: spec(5, true, "The partition has no leader right now (an election is in progress)."),
  NOT_LEADER_OR_FOLLOWER: spec(6, true, "This server is not the leader (or a follower) of the partition."),
  REQUEST_TIMED_OUT: spec(7, true, "The request timed out."),
  BROKER_NOT_AVAILABLE: spec(8, true, "The broker is not available."),
  REPLICA_NOT_AVAILABLE: spec(9, true, "The replica is not available for the requested partition."),
  MESSAGE_TOO_LARGE: spec(10, false, "The record batch is larger than the server accepts."),
  STALE_CONTROLLER_EPOCH: spec(
    11,
    false,
    "The request came from a controller whose epoch is older than the current one.",
  ),
  OFFSET_METADATA_TOO_LARGE: spec(12, false, "The metadata of a committed offset is too large."),
  NETWORK_EXCEPTION: spec(13, true, "The connection was lost before a response arrived."),
  COORDINATOR_LOAD_IN_PROGRESS: spec(14, true, "The coordinator is loading its state; try again shortly."),
  COORDINATOR_NOT_AVAILABLE: spec(15, true, "The coordinator is not available."),
  NOT_COORDINATOR: spec(16, true, "This server is not the coordinator for the group or transaction."),
  INVALID_TOPIC_EXCEPTION: spec(17, false, "The topic name is invalid or the topic may not be used this way."),
  RECORD_LIST_TOO_LARGE: spec(18, false, "The request holds more record bytes than one segment can take."),
  NOT_ENOUGH_REPLICAS: spec(19, true, "Fewer in-sync replicas than min.insync.replicas; the write was refused."),
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: spec(
    20,
    true,
    "The write was appended but fewer in-sync replicas than required acknowledged it.",
  ),
  INVALID_REQUIRED_ACKS: spec(21, false, "acks must be 0, 1 or all (-1)."),
  ILLEGAL_GENERATION: spec(22, false, "The generation id is not the group's current one."),
  INCONSISTENT_GROUP_PROTOCOL: spec(23, false, "The member's protocol does not match the group's."),
  INVALID_GROUP_ID: spec(24, false, "The group id is invalid."),
  UNKNOWN_MEMBER_ID: spec(25, false, "The member id is not known to the coordinator."),
  INVALID_SESSION_TIMEOUT: spec(26, false, "The session timeout is outside the allowed range."),
  REBALANCE_IN_PROGRESS: spec(27, false, "The group is rebalancing."),
  INVALID_COMMIT_OFFSET_SIZE: spec(28, false, "The committed offset metadata is too large."),
  TOPIC_AUTHORIZATION_FAILED: spec(29, false, "The principal is not authorized for this operation on the topic."),
  GROUP_AUTHORIZATION_FAILED: spec(30, false, "The principal is not authorized for this operation on the group."),
  CLUSTER_AUTHORIZATION_FAILED: spec(31, false, "The principal is not authorized for this operation on the cluster."),
  INVALID_TIMESTAMP: spec(32, false, "A record timestamp is outside the accepted range."),
  UNSUPPORTED_SASL_MECHANISM: spec(33, false, "The broker does not support the requested SASL mechanism."),
  ILLEGAL_SASL_STATE: spec(34, false, "The SASL exchange is not in a state for this message; start again."),
  UNSUPPORTED_VERSION: spec(35, false, "The version of this request or format is not supported."),
  TOPIC_ALREADY_EXISTS: spec(36, false, "The topic already exists."),
  INVALID_PARTITIONS: spec(37, false, "The number of partitions is invalid."),
  INVALID_REPLICATION_FACTOR: spec(
    38,
    false,
    "The replication factor is invalid or larger than the number of live brokers.",
  ),
  INVALID_REPLICA_ASSIGNMENT: spec(39, false, "The replica assignment is invalid."),
  INVALID_CONFIG: spec(40, false, "A configuration value is invalid."),
  NOT_CONTROLLER: spec(41, true, "This server is not the controller."),
  INVALID_REQUEST: spec(42, false, "The request is malformed."),
  POLICY_VIOLATION: spec(44, false, "The request violates a configured policy."),
  OUT_OF_ORDER_SEQUENCE_NUMBER: spec(45, false, "The producer's sequence number does not follow the last one written."),
  DUPLICATE_SEQUENCE_NUMBER: spec(46, false, "The batch was already written."),
  INVALID_PRODUCER_EPOCH: spec(47, false, "The producer's epoch is older than the current one."),
  INVALID_TXN_STATE: spec(48, false, "The producer attempted an operation that its transaction state does not allow."),
  INVALID_PRODUCER_ID_MAPPING: spec(49, false, "The producer id does not match the transactional id."),
  INVALID_TRANSACTION_TIMEOUT: spec(50, false, "The transaction timeout is larger than the broker allows."),
  CONCURRENT_TRANSACTIONS: spec(51, true, "Another transaction for this producer is still completing."),
  TRANSACTION_COORDINATOR_FENCED: spec(52, false, "A newer transaction coordinator has taken over."),
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: spec(
    53,
    false,
    "The principal is not authorized for this operation on the transactional id.",
  ),
  SECURITY_DISABLED: spec(54, false, "The broker runs no authorizer, so ACLs cannot be managed."),
  STORAGE_ERROR: spec(56, true, "The broker could not read or write its log directory."),
  SASL_AUTHENTICATION_FAILED: spec(58, false, "Authentication failed: missing or wrong credentials."),
  UNKNOWN_PRODUCER_ID: spec(59, false, "The broker has no state for this producer id."),
  REASSIGNMENT_IN_PROGRESS: spec(
    60,
    false,
    "A reassignment of this partition is already in progress; cancel it first.",
  ),
  NON_EMPTY_GROUP: spec(68, false, "The group still has members."),
  GROUP_ID_NOT_FOUND: spec(69, false, "The group does not exist."),
  FENCED_LEADER_EPOCH: spec(74, true, "The leader epoch in the request is older than the broker's."),
  UNKNOWN_LEADER_EPOCH: spec(75, true, "The leader epoch in the request is newer than the broker's."),
  UNSUPPORTED_COMPRESSION_TYPE: spec(76, false, "The compression type is not supported."),
  STALE_BROKER_EPOCH: spec(
    77,
    true,
    "The broker id and epoch are not a live registration (a stale incarnation, or not a broker).",
  ),
  OFFSET_NOT_AVAILABLE: spec(78, true, "The offset is not available yet (the leader is catching up)."),
  MEMBER_ID_REQUIRED: spec(79, false, "A member id is required to join the group."),
  PREFERRED_LEADER_NOT_AVAILABLE: spec(80, true, "The preferred leader is not in the ISR."),
  GROUP_MAX_SIZE_REACHED: spec(81, false, "The group has reached its maximum size."),
  FENCED_INSTANCE_ID: spec(82, false, "Another member with the same group.instance.id has taken over."),
  ELIGIBLE_LEADERS_NOT_AVAILABLE: spec(83, true, "No replica in the ISR is alive to become leader."),
  ELECTION_NOT_NEEDED: spec(84, false, "The preferred replica is already the leader."),
  NO_REASSIGNMENT_IN_PROGRESS: spec(85, false, "No reassignment of this partition is in progress."),
  INVALID_RECORD: spec(87, false, "A record in the batch failed validation."),
  UNSTABLE_OFFSET_COMMIT: spec(88, true, "A transactional offset commit is still pending for this partition."),
  THROTTLING_QUOTA_EXCEEDED: spec(89, true, "The request rate is over the broker's limit; retry after a moment."),
  PRODUCER_FENCED: spec(90, false, "A newer producer with the same transactional id has fenced this one."),
  RESOURCE_NOT_FOUND: spec(91, false, "The resource does not exist."),
  UNACCEPTABLE_CREDENTIAL: spec(93, false, "The credential is not acceptable (iterations, salt or key size)."),
  UNKNOWN_TOPIC_ID: spec(100, true, "The topic id is not known to this server."),
  FENCED_MEMBER_EPOCH: spec(110, false, "The member epoch is fenced; rejoin the group."),
  UNRELEASED_INSTANCE_ID: spec(111, false, "The instance id is still held by another member."),
  UNSUPPORTED_ASSIGNOR: spec(112, false, "The assignor is not supported."),
  STALE_MEMBER_EPOCH: spec(113, false, "The member epoch is stale."),
  METADATA_UNAVAILABLE: spec(
    1000,
    true,
    "The cluster metadata store (etcd) cannot be reached; metadata changes are refused.",
  ),
  CORRUPT_LOG: spec(1001, false, "A file in the log directory is damaged beyond what recovery can repair."),
  REQUEST_LIMIT_EXCEEDED: spec(
    1002,
    true,
    "The broker already has as many requests or streams in progress as it allows (on this connection or in all); nothing was done, retry after a backoff.",
  ),
} as const satisfies Record<string, ErrorSpec>;

export type ErrorName = keyof typeof ERRORS;

const BY_CODE: ReadonlyMap<number, ErrorName> = new Map(
  (Object.keys(ERRORS) as ErrorName[]).map((name) => [ERRORS[name].code, name]),
);

/** The name for a wire error code; unknown numbers (a newer server) map to UNKNOWN_SERVER_ERROR. */
export function errorNameOf(code: number): ErrorName {
  return BY_CODE.get(code) ?? "UNKNOWN_SERVER_ERROR";
}

/**
 * The one error class that crosses module and process boundaries. `code` is the table
 * name; `errorCode` the stable wire number.
 */
export class TidelogError extends Error {
  readonly code: ErrorName;
  readonly errorCode: number;
  readonly retriable: boolean;
  /** The message without the code in front: what travels on the wire. */
  readonly detail: string;

  constructor(code: ErrorName, detail?: string, options?: { cause?: unknown }) {
    const entry = ERRORS[code];
    const text = detail || entry.message;
    super(`${code}: ${text}`, options);
    this.name = "TidelogError";
    this.code = code;
    this.errorCode = entry.code;
    this.retriable = entry.retriable;
    this.detail = text;
  }

  static fromCode(errorCode: number, detail?: string): TidelogError {
    return new TidelogError(errorNameOf(errorCode), detail);
  }
}

export function isTidelogError(e: unknown, code?: ErrorName): e is TidelogError {
  return e instanceof TidelogError && (code === undefined || e.code === code);
}
