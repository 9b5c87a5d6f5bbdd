// Original file: proto/tidelog/v1/admin.proto

import type { ReplicaLogInfo as _tidelog_v1_ReplicaLogInfo, ReplicaLogInfo__Output as _tidelog_v1_ReplicaLogInfo__Output } from '../../tidelog/v1/ReplicaLogInfo.js';
import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { Long } from '@grpc/proto-loader';

export interface DescribeLogDirsResponse {
  'brokerId'?: (number);
  'logDir'?: (string);
  'replicas'?: (_tidelog_v1_ReplicaLogInfo)[];
  'totalBytes'?: (number | string | Long);
  /**
   * The log directory's file system: bytes free and in all, -1 when unknown.
   */
  'usableBytes'?: (number | string | Long);
  'capacityBytes'?: (number | string | Long);
  'error'?: (_tidelog_v1_ErrorInfo | null);
}

export interface DescribeLogDirsResponse__Output {
  'brokerId': (number);
  'logDir': (string);
  'replicas': (_tidelog_v1_ReplicaLogInfo__Output)[];
  'totalBytes': (number);
  /**
   * The log directory's file system: bytes free and in all, -1 when unknown.
   */
  'usableBytes': (number);
  'capacityBytes': (number);
  'error': (_tidelog_v1_ErrorInfo__Output | null);
}
