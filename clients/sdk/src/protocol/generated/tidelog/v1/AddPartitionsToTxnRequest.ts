// Original file: proto/tidelog/v1/txn.proto

import type { TxnTopicPartitions as _tidelog_v1_TxnTopicPartitions, TxnTopicPartitions__Output as _tidelog_v1_TxnTopicPartitions__Output } from '../../tidelog/v1/TxnTopicPartitions.js';
import type { Long } from '@grpc/proto-loader';

export interface AddPartitionsToTxnRequest {
  'transactionalId'?: (string);
  'producerId'?: (number | string | Long);
  'producerEpoch'?: (number);
  'topics'?: (_tidelog_v1_TxnTopicPartitions)[];
}

export interface AddPartitionsToTxnRequest__Output {
  'transactionalId': (string);
  'producerId': (number);
  'producerEpoch': (number);
  'topics': (_tidelog_v1_TxnTopicPartitions__Output)[];
}
