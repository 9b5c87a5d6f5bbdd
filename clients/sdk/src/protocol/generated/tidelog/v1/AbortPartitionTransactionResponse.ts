// Original file: proto/tidelog/v1/broker.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { Long } from '@grpc/proto-loader';

export interface AbortPartitionTransactionResponse {
  'error'?: (_tidelog_v1_ErrorInfo | null);
  /**
   * The offset of the ABORT marker written; -1 on error.
   */
  'markerOffset'?: (number | string | Long);
}

export interface AbortPartitionTransactionResponse__Output {
  'error': (_tidelog_v1_ErrorInfo__Output | null);
  /**
   * The offset of the ABORT marker written; -1 on error.
   */
  'markerOffset': (number);
}
