// Original file: proto/tidelog/v1/broker.proto

import type { TxnMarker as _tidelog_v1_TxnMarker, TxnMarker__Output as _tidelog_v1_TxnMarker__Output } from '../../tidelog/v1/TxnMarker.js';
import type { Long } from '@grpc/proto-loader';

export interface WriteTxnMarkersRequest {
  /**
   * The coordinator's broker id and epoch: only a live broker writes markers.
   */
  'brokerId'?: (number);
  'brokerEpoch'?: (number | string | Long);
  'markers'?: (_tidelog_v1_TxnMarker)[];
}

export interface WriteTxnMarkersRequest__Output {
  /**
   * The coordinator's broker id and epoch: only a live broker writes markers.
   */
  'brokerId': (number);
  'brokerEpoch': (number);
  'markers': (_tidelog_v1_TxnMarker__Output)[];
}
