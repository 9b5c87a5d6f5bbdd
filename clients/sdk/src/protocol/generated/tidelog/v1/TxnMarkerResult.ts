// Original file: proto/tidelog/v1/broker.proto

import type { TxnMarkerPartitionResult as _tidelog_v1_TxnMarkerPartitionResult, TxnMarkerPartitionResult__Output as _tidelog_v1_TxnMarkerPartitionResult__Output } from '../../tidelog/v1/TxnMarkerPartitionResult.js';
import type { Long } from '@grpc/proto-loader';

export interface TxnMarkerResult {
  'producerId'?: (number | string | Long);
  'partitions'?: (_tidelog_v1_TxnMarkerPartitionResult)[];
}

export interface TxnMarkerResult__Output {
  'producerId': (number);
  'partitions': (_tidelog_v1_TxnMarkerPartitionResult__Output)[];
}
