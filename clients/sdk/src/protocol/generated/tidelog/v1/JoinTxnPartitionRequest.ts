// Original file: proto/tidelog/v1/txn.proto

import type { Long } from '@grpc/proto-loader';

export interface JoinTxnPartitionRequest {
  'transactionalId'?: (string);
  'producerId'?: (number | string | Long);
  'producerEpoch'?: (number);
  'topic'?: (string);
  'partition'?: (number);
}

export interface JoinTxnPartitionRequest__Output {
  'transactionalId': (string);
  'producerId': (number);
  'producerEpoch': (number);
  'topic': (string);
  'partition': (number);
}
