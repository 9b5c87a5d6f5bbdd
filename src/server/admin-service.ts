/**
 * The gRPC Admin service: a thin transport over the admin operations in
 * `src/admin/admin-operations.ts` (which the HTTP admin API calls too).
 *
 * Every failure is answered as a typed ErrorInfo in the response; gRPC status codes are
 * left for transport failures. An unexpected exception is logged and answered as
 * UNKNOWN_SERVER_ERROR, never as a crash.
 */
import { errorInfo, type wire } from "@tidelog/client/protocol";
import type { TidelogError } from "@tidelog/client/record";
import { type AdminOperationsDeps, adminOperations } from "../admin/admin-operations.js";
import type { Logger } from "../common/logger.js";
import { unary } from "./unary-handler.js";

export { FRESH_READ_TIMEOUT_MS, MAX_ITEMS_PER_REQUEST } from "../admin/admin-operations.js";

export interface AdminServiceDeps extends AdminOperationsDeps {
  readonly logger: Logger;
}

export function adminHandlers(deps: AdminServiceDeps): wire.AdminHandlers {
  const ops = adminOperations(deps);
  // A request refused as a whole names no topic to attach the error to (as before the split).
  const perTopicError = (_e: TidelogError): { results: wire.TopicResult[] } => ({ results: [] });
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
    ),
    DescribeConfigs: unary(
      deps.logger,
      (e) => ({ topics: [{ name: "", entries: [], error: errorInfo(e) }] }),
      (req: wire.DescribeConfigsRequest__Output) => ops.describeConfigs(req),
    ),
    CreateTopics: unary(deps.logger, perTopicError, (req: wire.CreateTopicsRequest__Output, call) =>
      ops.createTopics(req, call),
    ),
    DeleteTopics: unary(deps.logger, perTopicError, (req: wire.DeleteTopicsRequest__Output, call) =>
      ops.deleteTopics(req, call),
    ),
    CreatePartitions: unary(deps.logger, perTopicError, (req: wire.CreatePartitionsRequest__Output, call) =>
      ops.createPartitions(req, call),
    ),
    AlterConfigs: unary(deps.logger, perTopicError, (req: wire.AlterConfigsRequest__Output, call) =>
      ops.alterConfigs(req, call),
    ),
    ElectLeaders: unary(
      deps.logger,
      (e) => ({ results: [{ topic: "", partition: -1, leader: -1, error: errorInfo(e) }] }),
      (req: wire.ElectLeadersRequest__Output) => ops.electLeaders(req),
    ),
  };
}
