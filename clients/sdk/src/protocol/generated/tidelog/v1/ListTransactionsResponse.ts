// Original file: proto/tidelog/v1/txn.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { TransactionListing as _tidelog_v1_TransactionListing, TransactionListing__Output as _tidelog_v1_TransactionListing__Output } from '../../tidelog/v1/TransactionListing.js';

export interface ListTransactionsResponse {
  'error'?: (_tidelog_v1_ErrorInfo | null);
  'transactions'?: (_tidelog_v1_TransactionListing)[];
}

export interface ListTransactionsResponse__Output {
  'error': (_tidelog_v1_ErrorInfo__Output | null);
  'transactions': (_tidelog_v1_TransactionListing__Output)[];
}
