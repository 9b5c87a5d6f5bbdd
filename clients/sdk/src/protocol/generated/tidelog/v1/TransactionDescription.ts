// Original file: proto/tidelog/v1/txn.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { TxnTopicPartitions as _tidelog_v1_TxnTopicPartitions, TxnTopicPartitions__Output as _tidelog_v1_TxnTopicPartitions__Output } from '../../tidelog/v1/TxnTopicPartitions.js';
import type { Long } from '@grpc/proto-loader';

export interface TransactionDescription {
  'transactionalId'?: (string);
  'error'?: (_tidelog_v1_ErrorInfo | null);
  'state'?: (string);
  'producerId'?: (number | string | Long);
  'producerEpoch'?: (number);
  'timeoutMs'?: (number);
  /**
   * -1 when no transaction is open.
   */
  'startMs'?: (number | string | Long);
  'topics'?: (_tidelog_v1_TxnTopicPartitions)[];
  'coordinatorId'?: (number);
}

export interface TransactionDescription__Output {
  'transactionalId': (string);
  'error': (_tidelog_v1_ErrorInfo__Output | null);
  'state': (string);
  'producerId': (number);
  'producerEpoch': (number);
  'timeoutMs': (number);
  /**
   * -1 when no transaction is open.
   */
  'startMs': (number);
  'topics': (_tidelog_v1_TxnTopicPartitions__Output)[];
  'coordinatorId': (number);
}
