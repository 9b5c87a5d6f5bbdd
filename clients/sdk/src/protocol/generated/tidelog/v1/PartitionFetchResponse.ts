// Original file: proto/tidelog/v1/broker.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { Long } from '@grpc/proto-loader';

export interface PartitionFetchResponse {
  'partition'?: (number);
  'error'?: (_tidelog_v1_ErrorInfo | null);
  'highWatermark'?: (number | string | Long);
  'lastStableOffset'?: (number | string | Long);
  'logStartOffset'?: (number | string | Long);
  /**
   * Whole batches from the batch holding fetch_offset; may start before it.
   */
  'records'?: (Buffer | Uint8Array | string);
}

export interface PartitionFetchResponse__Output {
  'partition': (number);
  'error': (_tidelog_v1_ErrorInfo__Output | null);
  'highWatermark': (number);
  'lastStableOffset': (number);
  'logStartOffset': (number);
  /**
   * Whole batches from the batch holding fetch_offset; may start before it.
   */
  'records': (Buffer);
}
