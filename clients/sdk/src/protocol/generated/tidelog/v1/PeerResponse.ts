// Original file: proto/tidelog/v1/broker.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { JoinTxnPartitionResponse as _tidelog_v1_JoinTxnPartitionResponse, JoinTxnPartitionResponse__Output as _tidelog_v1_JoinTxnPartitionResponse__Output } from '../../tidelog/v1/JoinTxnPartitionResponse.js';
import type { WriteTxnMarkersResponse as _tidelog_v1_WriteTxnMarkersResponse, WriteTxnMarkersResponse__Output as _tidelog_v1_WriteTxnMarkersResponse__Output } from '../../tidelog/v1/WriteTxnMarkersResponse.js';
import type { Long } from '@grpc/proto-loader';

export interface PeerResponse {
  'correlationId'?: (number | string | Long);
  /**
   * Set when the request was not handled at all (too many in flight on the stream, no
   * body): the caller may retry it. Otherwise the body answers the request's kind.
   */
  'error'?: (_tidelog_v1_ErrorInfo | null);
  'joinTxnPartition'?: (_tidelog_v1_JoinTxnPartitionResponse | null);
  'writeTxnMarkers'?: (_tidelog_v1_WriteTxnMarkersResponse | null);
  'body'?: "joinTxnPartition"|"writeTxnMarkers";
}

export interface PeerResponse__Output {
  'correlationId': (number);
  /**
   * Set when the request was not handled at all (too many in flight on the stream, no
   * body): the caller may retry it. Otherwise the body answers the request's kind.
   */
  'error': (_tidelog_v1_ErrorInfo__Output | null);
  'joinTxnPartition'?: (_tidelog_v1_JoinTxnPartitionResponse__Output | null);
  'writeTxnMarkers'?: (_tidelog_v1_WriteTxnMarkersResponse__Output | null);
  'body'?: "joinTxnPartition"|"writeTxnMarkers";
}
