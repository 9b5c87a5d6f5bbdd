// Original file: proto/tidelog/v1/txn.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { Long } from '@grpc/proto-loader';

export interface EndTxnResponse {
  'error'?: (_tidelog_v1_ErrorInfo | null);
  /**
   * The producer id and epoch for the next transaction (the epoch is bumped at every end).
   */
  'producerId'?: (number | string | Long);
  'producerEpoch'?: (number);
  'correlationId'?: (number | string | Long);
}

export interface EndTxnResponse__Output {
  'error': (_tidelog_v1_ErrorInfo__Output | null);
  /**
   * The producer id and epoch for the next transaction (the epoch is bumped at every end).
   */
  'producerId': (number);
  'producerEpoch': (number);
  'correlationId': (number);
}
