// Original file: proto/tidelog/v1/txn.proto

import type { TransactionDescription as _tidelog_v1_TransactionDescription, TransactionDescription__Output as _tidelog_v1_TransactionDescription__Output } from '../../tidelog/v1/TransactionDescription.js';

export interface DescribeTransactionsResponse {
  'transactions'?: (_tidelog_v1_TransactionDescription)[];
}

export interface DescribeTransactionsResponse__Output {
  'transactions': (_tidelog_v1_TransactionDescription__Output)[];
}
