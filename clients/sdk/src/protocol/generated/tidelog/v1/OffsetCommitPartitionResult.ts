// Original file: proto/tidelog/v1/group.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';

export interface OffsetCommitPartitionResult {
  'partition'?: (number);
  'error'?: (_tidelog_v1_ErrorInfo | null);
}

export interface OffsetCommitPartitionResult__Output {
  'partition': (number);
  'error': (_tidelog_v1_ErrorInfo__Output | null);
}
