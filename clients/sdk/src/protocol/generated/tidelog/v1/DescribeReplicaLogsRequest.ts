// Original file: proto/tidelog/v1/broker.proto

import type { TxnMarkerTopic as _tidelog_v1_TxnMarkerTopic, TxnMarkerTopic__Output as _tidelog_v1_TxnMarkerTopic__Output } from '../../tidelog/v1/TxnMarkerTopic.js';
import type { Long } from '@grpc/proto-loader';

export interface DescribeReplicaLogsRequest {
  /**
   * The asking controller's broker id and epoch: only a live broker may ask.
   */
  'brokerId'?: (number);
  'brokerEpoch'?: (number | string | Long);
  'topics'?: (_tidelog_v1_TxnMarkerTopic)[];
}

export interface DescribeReplicaLogsRequest__Output {
  /**
   * The asking controller's broker id and epoch: only a live broker may ask.
   */
  'brokerId': (number);
  'brokerEpoch': (number);
  'topics': (_tidelog_v1_TxnMarkerTopic__Output)[];
}
