// Original file: proto/tidelog/v1/broker.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { EpochEndOffset as _tidelog_v1_EpochEndOffset, EpochEndOffset__Output as _tidelog_v1_EpochEndOffset__Output } from '../../tidelog/v1/EpochEndOffset.js';
import type { Long } from '@grpc/proto-loader';

export interface ReplicaFetchPartitionData {
  'topic'?: (string);
  'partition'?: (number);
  'error'?: (_tidelog_v1_ErrorInfo | null);
  'highWatermark'?: (number | string | Long);
  'logStartOffset'?: (number | string | Long);
  'records'?: (Buffer | Uint8Array | string);
  /**
   * Set (epoch >= 0) when the follower's log diverged: it must truncate to end_offset
   * (or to the end of its own log for that epoch, whichever is lower) and fetch again.
   */
  'divergingEpoch'?: (_tidelog_v1_EpochEndOffset | null);
}

export interface ReplicaFetchPartitionData__Output {
  'topic': (string);
  'partition': (number);
  'error': (_tidelog_v1_ErrorInfo__Output | null);
  'highWatermark': (number);
  'logStartOffset': (number);
  'records': (Buffer);
  /**
   * Set (epoch >= 0) when the follower's log diverged: it must truncate to end_offset
   * (or to the end of its own log for that epoch, whichever is lower) and fetch again.
   */
  'divergingEpoch': (_tidelog_v1_EpochEndOffset__Output | null);
}
