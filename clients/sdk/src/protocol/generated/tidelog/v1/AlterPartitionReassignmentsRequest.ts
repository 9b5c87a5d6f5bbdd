// Original file: proto/tidelog/v1/admin.proto

import type { PartitionReassignment as _tidelog_v1_PartitionReassignment, PartitionReassignment__Output as _tidelog_v1_PartitionReassignment__Output } from '../../tidelog/v1/PartitionReassignment.js';
import type { Long } from '@grpc/proto-loader';

export interface AlterPartitionReassignmentsRequest {
  'reassignments'?: (_tidelog_v1_PartitionReassignment)[];
  /**
   * Bytes per second each leader may send to replicas being added (the replication
   * throttle); 0 removes the throttle, -1 leaves it as it is.
   */
  'throttleBytesPerSecond'?: (number | string | Long);
}

export interface AlterPartitionReassignmentsRequest__Output {
  'reassignments': (_tidelog_v1_PartitionReassignment__Output)[];
  /**
   * Bytes per second each leader may send to replicas being added (the replication
   * throttle); 0 removes the throttle, -1 leaves it as it is.
   */
  'throttleBytesPerSecond': (number);
}
