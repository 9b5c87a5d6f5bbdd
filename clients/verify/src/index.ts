/** @tidelog/verify: workloads, nemesis, checkers (issue 22). */

export { checkerFor, checkHistoryFile, type HistoryVerdict } from "./check-history.js";
export { checkGroup, GROUP_ANOMALIES, GroupChecker } from "./checkers/group.js";
export { checkQueue, QUEUE_ANOMALIES, QueueChecker } from "./checkers/queue.js";
export {
  compareReplicaLogs,
  type ReplicaLogReport,
  replicaDivergenceReport,
} from "./checkers/replica-logs.js";
export type { AnomalyReport, Checker, CheckResult, FunctionCounts, OpCounts } from "./checkers/result.js";
export { checkTxn, TXN_ANOMALIES, TxnChecker } from "./checkers/txn.js";
export { CheckoutNotFoundError, findCheckoutRoot } from "./cluster/checkout.js";
export {
  type LocalClusterSupport,
  LocalClusterUnsupportedError,
  launchLocalCluster,
  localClusterSupport,
} from "./cluster/local-cluster.js";
export {
  type ClusterNetwork,
  type ClusterNetworkOptions,
  type CutMethod,
  createClusterNetwork,
  NetworkUnavailableError,
} from "./cluster/network.js";
export { TmpfsUnavailableError } from "./cluster/tmpfs.js";
export * from "./cluster/types.js";
export { isVerifyError, VerifyError, type VerifyErrorCode } from "./errors.js";
export {
  type Completion,
  errorText,
  HistoryFile,
  HistoryRecorder,
  type HistoryRecorderOptions,
  HistoryValidator,
  type Invocation,
  type Op,
  type OpObserver,
  type OpType,
  type ProcessId,
  parseOp,
  readHistory,
  runClock,
} from "./history.js";
export { LIMITS as VERIFY_LIMITS } from "./limits.js";
export { FAULT_KINDS, startNemesis } from "./nemesis/nemesis.js";
export * from "./nemesis/types.js";
export { parseQueueValue, parseTxnValue, queueValue, txnValue } from "./op-values.js";
export { Random } from "./random.js";
export { type FaultCounts, FaultLog } from "./report/fault-log.js";
export { PLAIN_TABLE_CHARS } from "./report/plain-table.js";
export {
  buildSummary,
  type RunFiles,
  type RunSettings,
  type RunSummary,
  summaryRows,
  summaryText,
  verdictLine,
} from "./report/summary.js";
export { type TimelineData, TimelineRecorder, type TimelineSecond } from "./report/timeline.js";
export { renderTimelineSvg, type TimelineSvgOptions } from "./report/timeline-svg.js";
export {
  checkVerifyOptions,
  FAULT_FRIENDLY_BROKER_CONFIG,
  isLocalCluster,
  launchOptionsFor,
  type NemesisSettings,
  type RunPhase,
  runVerify,
  type VerifyOptions,
  type VerifyProgress,
  type VerifyResult,
} from "./run.js";
export { isWorkloadName, WORKLOAD_NAMES, type WorkloadName } from "./workloads/workload.js";
