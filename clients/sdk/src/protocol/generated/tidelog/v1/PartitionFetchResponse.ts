// Original file: proto/tidelog/v1/broker.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { AbortedTransaction as _tidelog_v1_AbortedTransaction, AbortedTransaction__Output as _tidelog_v1_AbortedTransaction__Output } from '../../tidelog/v1/AbortedTransaction.js';
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
  /**
   * read_committed: the aborted transactions whose data may be in `records` (their first
   * offset is below the end of what was read, their ABORT marker at or after
   * fetch_offset), sorted by first offset. The consumer drops each producer's
   * transactional batches from first_offset up to its ABORT marker.
   */
  'abortedTransactions'?: (_tidelog_v1_AbortedTransaction)[];
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
  /**
   * read_committed: the aborted transactions whose data may be in `records` (their first
   * offset is below the end of what was read, their ABORT marker at or after
   * fetch_offset), sorted by first offset. The consumer drops each producer's
   * transactional batches from first_offset up to its ABORT marker.
   */
  'abortedTransactions': (_tidelog_v1_AbortedTransaction__Output)[];
}
