// Original file: proto/tidelog/v1/broker.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { Long } from '@grpc/proto-loader';

export interface DeleteRecordsResponse {
  'error'?: (_tidelog_v1_ErrorInfo | null);
  /**
   * The partition's log start offset after the request (its low watermark); -1 on error.
   */
  'logStartOffset'?: (number | string | Long);
}

export interface DeleteRecordsResponse__Output {
  'error': (_tidelog_v1_ErrorInfo__Output | null);
  /**
   * The partition's log start offset after the request (its low watermark); -1 on error.
   */
  'logStartOffset': (number);
}
