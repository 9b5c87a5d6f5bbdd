// Original file: proto/tidelog/v1/broker.proto

import type { TxnMarkerTopic as _tidelog_v1_TxnMarkerTopic, TxnMarkerTopic__Output as _tidelog_v1_TxnMarkerTopic__Output } from '../../tidelog/v1/TxnMarkerTopic.js';
import type { Long } from '@grpc/proto-loader';

export interface TxnMarker {
  'producerId'?: (number | string | Long);
  /**
   * The epoch the transaction ended with (bumped by its EndTxn): the marker fences every
   * later batch of an older epoch.
   */
  'producerEpoch'?: (number);
  'commit'?: (boolean);
  /**
   * The leader epoch of the coordinator's __transaction_state partition.
   */
  'coordinatorEpoch'?: (number);
  'topics'?: (_tidelog_v1_TxnMarkerTopic)[];
}

export interface TxnMarker__Output {
  'producerId': (number);
  /**
   * The epoch the transaction ended with (bumped by its EndTxn): the marker fences every
   * later batch of an older epoch.
   */
  'producerEpoch': (number);
  'commit': (boolean);
  /**
   * The leader epoch of the coordinator's __transaction_state partition.
   */
  'coordinatorEpoch': (number);
  'topics': (_tidelog_v1_TxnMarkerTopic__Output)[];
}
