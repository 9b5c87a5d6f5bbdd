// Original file: proto/tidelog/v1/txn.proto

import type { Long } from '@grpc/proto-loader';

export interface TransactionListing {
  'transactionalId'?: (string);
  'producerId'?: (number | string | Long);
  'state'?: (string);
}

export interface TransactionListing__Output {
  'transactionalId': (string);
  'producerId': (number);
  'state': (string);
}
