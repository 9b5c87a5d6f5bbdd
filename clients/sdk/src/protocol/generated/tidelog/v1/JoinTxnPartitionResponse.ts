// Original file: proto/tidelog/v1/txn.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';

export interface JoinTxnPartitionResponse {
  'error'?: (_tidelog_v1_ErrorInfo | null);
}

export interface JoinTxnPartitionResponse__Output {
  'error': (_tidelog_v1_ErrorInfo__Output | null);
}
