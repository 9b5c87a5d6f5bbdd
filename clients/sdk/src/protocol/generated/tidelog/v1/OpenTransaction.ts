// Original file: proto/tidelog/v1/broker.proto

import type { Long } from '@grpc/proto-loader';

export interface OpenTransaction {
  'producerId'?: (number | string | Long);
  'producerEpoch'?: (number);
  /**
   * The offset of the transaction's first batch on this partition.
   */
  'firstOffset'?: (number | string | Long);
}

export interface OpenTransaction__Output {
  'producerId': (number);
  'producerEpoch': (number);
  /**
   * The offset of the transaction's first batch on this partition.
   */
  'firstOffset': (number);
}
