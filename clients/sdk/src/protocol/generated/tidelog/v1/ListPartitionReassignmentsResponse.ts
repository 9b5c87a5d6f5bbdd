// Original file: proto/tidelog/v1/admin.proto

import type { OngoingReassignment as _tidelog_v1_OngoingReassignment, OngoingReassignment__Output as _tidelog_v1_OngoingReassignment__Output } from '../../tidelog/v1/OngoingReassignment.js';
import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { Long } from '@grpc/proto-loader';

export interface ListPartitionReassignmentsResponse {
  'reassignments'?: (_tidelog_v1_OngoingReassignment)[];
  /**
   * 0 when reassignment traffic is not throttled.
   */
  'throttleBytesPerSecond'?: (number | string | Long);
  'error'?: (_tidelog_v1_ErrorInfo | null);
}

export interface ListPartitionReassignmentsResponse__Output {
  'reassignments': (_tidelog_v1_OngoingReassignment__Output)[];
  /**
   * 0 when reassignment traffic is not throttled.
   */
  'throttleBytesPerSecond': (number);
  'error': (_tidelog_v1_ErrorInfo__Output | null);
}
