// Original file: proto/tidelog/v1/broker.proto

import type { JoinTxnPartitionRequest as _tidelog_v1_JoinTxnPartitionRequest, JoinTxnPartitionRequest__Output as _tidelog_v1_JoinTxnPartitionRequest__Output } from '../../tidelog/v1/JoinTxnPartitionRequest.js';
import type { WriteTxnMarkersRequest as _tidelog_v1_WriteTxnMarkersRequest, WriteTxnMarkersRequest__Output as _tidelog_v1_WriteTxnMarkersRequest__Output } from '../../tidelog/v1/WriteTxnMarkersRequest.js';
import type { Long } from '@grpc/proto-loader';

export interface PeerRequest {
  /**
   * Chosen by the caller, echoed in the answer.
   */
  'correlationId'?: (number | string | Long);
  'joinTxnPartition'?: (_tidelog_v1_JoinTxnPartitionRequest | null);
  'writeTxnMarkers'?: (_tidelog_v1_WriteTxnMarkersRequest | null);
  'body'?: "joinTxnPartition"|"writeTxnMarkers";
}

export interface PeerRequest__Output {
  /**
   * Chosen by the caller, echoed in the answer.
   */
  'correlationId': (number);
  'joinTxnPartition'?: (_tidelog_v1_JoinTxnPartitionRequest__Output | null);
  'writeTxnMarkers'?: (_tidelog_v1_WriteTxnMarkersRequest__Output | null);
  'body'?: "joinTxnPartition"|"writeTxnMarkers";
}
