// Original file: proto/tidelog/v1/broker.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { OpenTransaction as _tidelog_v1_OpenTransaction, OpenTransaction__Output as _tidelog_v1_OpenTransaction__Output } from '../../tidelog/v1/OpenTransaction.js';
import type { Long } from '@grpc/proto-loader';

export interface PartitionProducers {
  'topic'?: (string);
  'partition'?: (number);
  'error'?: (_tidelog_v1_ErrorInfo | null);
  'highWatermark'?: (number | string | Long);
  'lastStableOffset'?: (number | string | Long);
  'openTransactions'?: (_tidelog_v1_OpenTransaction)[];
}

export interface PartitionProducers__Output {
  'topic': (string);
  'partition': (number);
  'error': (_tidelog_v1_ErrorInfo__Output | null);
  'highWatermark': (number);
  'lastStableOffset': (number);
  'openTransactions': (_tidelog_v1_OpenTransaction__Output)[];
}
