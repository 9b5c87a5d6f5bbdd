// Original file: proto/tidelog/v1/broker.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { Long } from '@grpc/proto-loader';

export interface PartitionListOffsetsResponse {
  'partition'?: (number);
  'error'?: (_tidelog_v1_ErrorInfo | null);
  'timestamp'?: (number | string | Long);
  /**
   * -1 when no record is at or after the timestamp.
   */
  'offset'?: (number | string | Long);
  'leaderEpoch'?: (number);
}

export interface PartitionListOffsetsResponse__Output {
  'partition': (number);
  'error': (_tidelog_v1_ErrorInfo__Output | null);
  'timestamp': (number);
  /**
   * -1 when no record is at or after the timestamp.
   */
  'offset': (number);
  'leaderEpoch': (number);
}
