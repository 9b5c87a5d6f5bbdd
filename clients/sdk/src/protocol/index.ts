/**
 * `@tidelog/client/protocol`: the gRPC wire definitions shared by the clients and the
 * broker. Applications use the Client API instead.
 */

export {
  ACL_CLUSTER_NAME,
  ACL_OPERATIONS,
  ACL_RESOURCE_TYPES,
  type AclOperation,
  type AclResourceType,
} from "./acl-names.js";
export {
  CHANNEL_OPTIONS,
  errorFromInfo,
  errorInfo,
  LOADER_OPTIONS,
  loadTidelogProto,
  MAX_MESSAGE_BYTES,
  NO_ERROR,
  PROTO_ROOT,
  type TidelogProto,
} from "./grpc.js";
export type * as wire from "./messages.js";
export {
  credentialFromSaltedPassword,
  isScramMechanism,
  SCRAM_ITERATIONS_MAX,
  SCRAM_ITERATIONS_MIN,
  SCRAM_MECHANISMS,
  SCRAM_MESSAGE_MAX_BYTES,
  ScramClient,
  type ScramCredential,
  type ScramMechanism,
  ScramServerExchange,
  saltedPassword,
} from "./scram.js";
export { isInternalTopic, TOPIC_NAME_MAX_LENGTH, topicNameProblem, validateTopicName } from "./topic-name.js";
export { TRANSACTIONAL_ID_MAX_LENGTH, transactionalIdProblem } from "./transactional-id.js";
