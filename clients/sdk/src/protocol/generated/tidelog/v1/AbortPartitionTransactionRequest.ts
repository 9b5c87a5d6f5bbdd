// Original file: proto/tidelog/v1/broker.proto

import type { Long } from '@grpc/proto-loader';

export interface AbortPartitionTransactionRequest {
  'topic'?: (string);
  'partition'?: (number);
  'producerId'?: (number | string | Long);
  /**
   * The epoch of the open transaction, as DescribeProducers shows it.
   */
  'producerEpoch'?: (number);
}

export interface AbortPartitionTransactionRequest__Output {
  'topic': (string);
  'partition': (number);
  'producerId': (number);
  /**
   * The epoch of the open transaction, as DescribeProducers shows it.
   */
  'producerEpoch': (number);
}
