// Original file: proto/tidelog/v1/broker.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { Long } from '@grpc/proto-loader';

export interface PartitionProduceResponse {
  'partition'?: (number);
  'error'?: (_tidelog_v1_ErrorInfo | null);
  /**
   * Offset of the first record appended (or, for a duplicate batch, where it was
   * appended the first time); -1 on error.
   */
  'baseOffset'?: (number | string | Long);
  'logStartOffset'?: (number | string | Long);
}

export interface PartitionProduceResponse__Output {
  'partition': (number);
  'error': (_tidelog_v1_ErrorInfo__Output | null);
  /**
   * Offset of the first record appended (or, for a duplicate batch, where it was
   * appended the first time); -1 on error.
   */
  'baseOffset': (number);
  'logStartOffset': (number);
}
