/**
 * The gRPC Admin service: a thin transport over the admin operations in
 * `src/admin/admin-operations.ts` (which the HTTP admin API calls too).
 *
 * Every failure is answered as a typed ErrorInfo in the response; gRPC status codes are
 * left for transport failures. An unexpected exception is logged and answered as
 * UNKNOWN_SERVER_ERROR, never as a crash. A call refused by the request limits
 * (request-limits.ts) is answered REQUEST_LIMIT_EXCEEDED for each topic it names.
 */
import { errorInfo, type wire } from "@tidelog/client/protocol";
import type { TidelogError } from "@tidelog/client/record";
import { type AdminOperationsDeps, adminOperations } from "../admin/admin-operations.js";
import type { Logger } from "../common/logger.js";
import type { AclStore } from "../security/acl-store.js";
import type { QuotaStore } from "../security/quota-store.js";
import type { ScramStore } from "../security/scram-store.js";
import { unary } from "./unary-handler.js";

export { FRESH_READ_TIMEOUT_MS, ITEMS_PER_REQUEST_MAX } from "../admin/admin-operations.js";

export interface AdminServiceDeps extends AdminOperationsDeps {
  /** ACLs in etcd: CreateAcls, DeleteAcls and DescribeAcls are answered by any broker. */
  readonly acls: AclStore;
  /** Client quotas in etcd: DescribeClientQuotas and AlterClientQuotas are answered by any broker. */
  readonly quotas: QuotaStore;
  /** SCRAM credentials in etcd: AlterUserScramCredentials and DescribeUserScramCredentials. */
  readonly scram: ScramStore;
  readonly logger: Logger;
}

export function adminHandlers(deps: AdminServiceDeps): wire.AdminHandlers {
  const ops = adminOperations(deps);
  // A request refused as a whole names no topic to attach the error to (as before the split).
  const perTopicError = (_e: TidelogError): { results: wire.TopicResult[] } => ({ results: [] });
  // A request refused by the request limits (request-limits.ts) is answered per topic it names,
  // so the client reads the typed error where it reads each topic's result.
  const refusedTopics = (
    topics: readonly (string | { readonly name: string })[],
    e: TidelogError,
  ): { results: wire.TopicResult[] } => ({
    results: (topics.length > 0 ? topics : [""]).map((t) => ({
      name: typeof t === "string" ? t : t.name,
      topicId: "",
      error: errorInfo(e),
    })),
  });
  const refusedNames = (names: readonly string[]): readonly string[] => (names.length > 0 ? names : [""]);
  return {
    DescribeCluster: unary(
      deps.logger,
      (e) => ({ error: errorInfo(e) }),
      () => ops.describeCluster(),
    ),
    ListTopics: unary(
      deps.logger,
      (e) => ({ topics: [], error: errorInfo(e) }),
      (req: wire.ListTopicsRequest__Output) => ops.listTopics(req),
    ),
    DescribeTopics: unary(
      deps.logger,
      (e) => ({ topics: [{ name: "", error: errorInfo(e) }] }),
      (req: wire.DescribeTopicsRequest__Output) => ops.describeTopics(req),
      (req, e) => ({ topics: refusedNames(req.topics).map((name) => ({ name, error: errorInfo(e) })) }),
    ),
    DescribeConfigs: unary(
      deps.logger,
      (e) => ({ topics: [{ name: "", entries: [], error: errorInfo(e) }] }),
      (req: wire.DescribeConfigsRequest__Output) => ops.describeConfigs(req),
      (req, e) => ({ topics: refusedNames(req.topics).map((name) => ({ name, entries: [], error: errorInfo(e) })) }),
    ),
    CreateTopics: unary(
      deps.logger,
      perTopicError,
      (req: wire.CreateTopicsRequest__Output, call) => ops.createTopics(req, call),
      (req, e) => refusedTopics(req.topics, e),
    ),
    DeleteTopics: unary(
      deps.logger,
      perTopicError,
      (req: wire.DeleteTopicsRequest__Output, call) => ops.deleteTopics(req, call),
      (req, e) => refusedTopics(req.topics, e),
    ),
    CreatePartitions: unary(
      deps.logger,
      perTopicError,
      (req: wire.CreatePartitionsRequest__Output, call) => ops.createPartitions(req, call),
      (req, e) => refusedTopics(req.topics, e),
    ),
    AlterConfigs: unary(
      deps.logger,
      perTopicError,
      (req: wire.AlterConfigsRequest__Output, call) => ops.alterConfigs(req, call),
      (req, e) => refusedTopics(req.topics, e),
    ),
    ElectLeaders: unary(
      deps.logger,
      (e) => ({ results: [{ topic: "", partition: -1, leader: -1, error: errorInfo(e) }] }),
      (req: wire.ElectLeadersRequest__Output) => ops.electLeaders(req),
    ),
    AlterPartitionReassignments: unary(
      deps.logger,
      (e) => ({ results: [], error: errorInfo(e) }),
      (req: wire.AlterPartitionReassignmentsRequest__Output) => ops.alterPartitionReassignments(req),
    ),
    ListPartitionReassignments: unary(
      deps.logger,
      (e) => ({ reassignments: [], throttleBytesPerSecond: 0, error: errorInfo(e) }),
      (req: wire.ListPartitionReassignmentsRequest__Output) => ops.listPartitionReassignments(req),
    ),
    DescribeLogDirs: unary(
      deps.logger,
      (e) => ({
        brokerId: -1,
        logDir: "",
        replicas: [],
        totalBytes: 0,
        usableBytes: -1,
        capacityBytes: -1,
        error: errorInfo(e),
      }),
      async () => ops.describeLogDirs(),
    ),
    CreateAcls: unary(
      deps.logger,
      (e) => ({ results: [], error: errorInfo(e) }),
      (req: wire.CreateAclsRequest__Output) => deps.acls.createAcls(req),
    ),
    DeleteAcls: unary(
      deps.logger,
      (e) => ({ results: [], error: errorInfo(e) }),
      (req: wire.DeleteAclsRequest__Output) => deps.acls.deleteAcls(req),
    ),
    DescribeAcls: unary(
      deps.logger,
      (e) => ({ bindings: [], error: errorInfo(e) }),
      (req: wire.DescribeAclsRequest__Output) => deps.acls.describeAcls(req),
    ),
    DescribeClientQuotas: unary(
      deps.logger,
      (e) => ({ entries: [], error: errorInfo(e) }),
      (req: wire.DescribeClientQuotasRequest__Output) => deps.quotas.describe(req),
    ),
    AlterClientQuotas: unary(
      deps.logger,
      (e) => ({ results: [], error: errorInfo(e) }),
      (req: wire.AlterClientQuotasRequest__Output) => deps.quotas.alter(req),
    ),
    AlterUserScramCredentials: unary(
      deps.logger,
      (e) => ({ results: [], error: errorInfo(e) }),
      (req: wire.AlterUserScramCredentialsRequest__Output) => deps.scram.alter(req),
    ),
    DescribeUserScramCredentials: unary(
      deps.logger,
      (e) => ({ users: [], error: errorInfo(e) }),
      (req: wire.DescribeUserScramCredentialsRequest__Output) => deps.scram.describe(req),
    ),
  };
}
