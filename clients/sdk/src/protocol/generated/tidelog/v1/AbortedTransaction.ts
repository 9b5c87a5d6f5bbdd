// Original file: proto/tidelog/v1/broker.proto

import type { Long } from '@grpc/proto-loader';

export interface AbortedTransaction {
  'producerId'?: (number | string | Long);
  'firstOffset'?: (number | string | Long);
}

export interface AbortedTransaction__Output {
  'producerId': (number);
  'firstOffset': (number);
}
