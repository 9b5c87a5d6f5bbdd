// Original file: proto/tidelog/v1/broker.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';

export interface PartitionMetadata {
  'partition'?: (number);
  'error'?: (_tidelog_v1_ErrorInfo | null);
  /**
   * -1 when the partition has no leader.
   */
  'leader'?: (number);
  'leaderEpoch'?: (number);
  'replicas'?: (number)[];
  'isr'?: (number)[];
}

export interface PartitionMetadata__Output {
  'partition': (number);
  'error': (_tidelog_v1_ErrorInfo__Output | null);
  /**
   * -1 when the partition has no leader.
   */
  'leader': (number);
  'leaderEpoch': (number);
  'replicas': (number)[];
  'isr': (number)[];
}
