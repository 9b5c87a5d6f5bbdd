// Original file: proto/tidelog/v1/broker.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { ReplicaLogEnd as _tidelog_v1_ReplicaLogEnd, ReplicaLogEnd__Output as _tidelog_v1_ReplicaLogEnd__Output } from '../../tidelog/v1/ReplicaLogEnd.js';

export interface DescribeReplicaLogsResponse {
  /**
   * A refusal of the whole request (STALE_BROKER_EPOCH, INVALID_REQUEST).
   */
  'error'?: (_tidelog_v1_ErrorInfo | null);
  'logs'?: (_tidelog_v1_ReplicaLogEnd)[];
}

export interface DescribeReplicaLogsResponse__Output {
  /**
   * A refusal of the whole request (STALE_BROKER_EPOCH, INVALID_REQUEST).
   */
  'error': (_tidelog_v1_ErrorInfo__Output | null);
  'logs': (_tidelog_v1_ReplicaLogEnd__Output)[];
}
