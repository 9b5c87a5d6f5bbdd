// Original file: proto/tidelog/v1/txn.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';

export interface AddPartitionsToTxnResponse {
  /**
   * A refusal for the whole request (NOT_COORDINATOR, PRODUCER_FENCED,
   * CONCURRENT_TRANSACTIONS, ...): no partition joined.
   */
  'error'?: (_tidelog_v1_ErrorInfo | null);
}

export interface AddPartitionsToTxnResponse__Output {
  /**
   * A refusal for the whole request (NOT_COORDINATOR, PRODUCER_FENCED,
   * CONCURRENT_TRANSACTIONS, ...): no partition joined.
   */
  'error': (_tidelog_v1_ErrorInfo__Output | null);
}
