// Original file: proto/tidelog/v1/broker.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DescribeReplicaLogsRequest as _tidelog_v1_DescribeReplicaLogsRequest, DescribeReplicaLogsRequest__Output as _tidelog_v1_DescribeReplicaLogsRequest__Output } from '../../tidelog/v1/DescribeReplicaLogsRequest.js';
import type { DescribeReplicaLogsResponse as _tidelog_v1_DescribeReplicaLogsResponse, DescribeReplicaLogsResponse__Output as _tidelog_v1_DescribeReplicaLogsResponse__Output } from '../../tidelog/v1/DescribeReplicaLogsResponse.js';
import type { PeerRequest as _tidelog_v1_PeerRequest, PeerRequest__Output as _tidelog_v1_PeerRequest__Output } from '../../tidelog/v1/PeerRequest.js';
import type { PeerResponse as _tidelog_v1_PeerResponse, PeerResponse__Output as _tidelog_v1_PeerResponse__Output } from '../../tidelog/v1/PeerResponse.js';
import type { ReplicaFetchRequest as _tidelog_v1_ReplicaFetchRequest, ReplicaFetchRequest__Output as _tidelog_v1_ReplicaFetchRequest__Output } from '../../tidelog/v1/ReplicaFetchRequest.js';
import type { ReplicaFetchResponse as _tidelog_v1_ReplicaFetchResponse, ReplicaFetchResponse__Output as _tidelog_v1_ReplicaFetchResponse__Output } from '../../tidelog/v1/ReplicaFetchResponse.js';
import type { WriteTxnMarkersRequest as _tidelog_v1_WriteTxnMarkersRequest, WriteTxnMarkersRequest__Output as _tidelog_v1_WriteTxnMarkersRequest__Output } from '../../tidelog/v1/WriteTxnMarkersRequest.js';
import type { WriteTxnMarkersResponse as _tidelog_v1_WriteTxnMarkersResponse, WriteTxnMarkersResponse__Output as _tidelog_v1_WriteTxnMarkersResponse__Output } from '../../tidelog/v1/WriteTxnMarkersResponse.js';

export interface ReplicationClient extends grpc.Client {
  /**
   * The controller to a broker, for leader recovery (KIP-966's unclean recovery): the end
   * of this broker's local logs of the partitions named, so the most complete is elected.
   */
  DescribeReplicaLogs(argument: _tidelog_v1_DescribeReplicaLogsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeReplicaLogsResponse__Output>): grpc.ClientUnaryCall;
  DescribeReplicaLogs(argument: _tidelog_v1_DescribeReplicaLogsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DescribeReplicaLogsResponse__Output>): grpc.ClientUnaryCall;
  DescribeReplicaLogs(argument: _tidelog_v1_DescribeReplicaLogsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeReplicaLogsResponse__Output>): grpc.ClientUnaryCall;
  DescribeReplicaLogs(argument: _tidelog_v1_DescribeReplicaLogsRequest, callback: grpc.requestCallback<_tidelog_v1_DescribeReplicaLogsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The controller to a broker, for leader recovery (KIP-966's unclean recovery): the end
   * of this broker's local logs of the partitions named, so the most complete is elected.
   */
  describeReplicaLogs(argument: _tidelog_v1_DescribeReplicaLogsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeReplicaLogsResponse__Output>): grpc.ClientUnaryCall;
  describeReplicaLogs(argument: _tidelog_v1_DescribeReplicaLogsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DescribeReplicaLogsResponse__Output>): grpc.ClientUnaryCall;
  describeReplicaLogs(argument: _tidelog_v1_DescribeReplicaLogsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeReplicaLogsResponse__Output>): grpc.ClientUnaryCall;
  describeReplicaLogs(argument: _tidelog_v1_DescribeReplicaLogsRequest, callback: grpc.requestCallback<_tidelog_v1_DescribeReplicaLogsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * A transaction's broker-to-broker requests on one stream per pair of brokers: a
   * partition leader's JoinTxnPartition to a coordinator and a coordinator's
   * WriteTxnMarkers to a leader, a few per transaction. A unary call costs a busy broker
   * several times what a message on an open stream does (bench/RESULTS.md, 2026-12-06).
   * Answers carry their request's correlation id and may come in any order. A broker
   * without this method is called with the unary ones.
   */
  PeerStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_tidelog_v1_PeerRequest, _tidelog_v1_PeerResponse__Output>;
  PeerStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_tidelog_v1_PeerRequest, _tidelog_v1_PeerResponse__Output>;
  /**
   * A transaction's broker-to-broker requests on one stream per pair of brokers: a
   * partition leader's JoinTxnPartition to a coordinator and a coordinator's
   * WriteTxnMarkers to a leader, a few per transaction. A unary call costs a busy broker
   * several times what a message on an open stream does (bench/RESULTS.md, 2026-12-06).
   * Answers carry their request's correlation id and may come in any order. A broker
   * without this method is called with the unary ones.
   */
  peerStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_tidelog_v1_PeerRequest, _tidelog_v1_PeerResponse__Output>;
  peerStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_tidelog_v1_PeerRequest, _tidelog_v1_PeerResponse__Output>;
  
  /**
   * A follower broker's fetch stream to one leader broker, carrying every partition it
   * follows there. The follower sends a request, the leader answers it (long poll), the
   * follower sends the next: one stream per leader, not one call per partition.
   */
  ReplicaFetch(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_tidelog_v1_ReplicaFetchRequest, _tidelog_v1_ReplicaFetchResponse__Output>;
  ReplicaFetch(options?: grpc.CallOptions): grpc.ClientDuplexStream<_tidelog_v1_ReplicaFetchRequest, _tidelog_v1_ReplicaFetchResponse__Output>;
  /**
   * A follower broker's fetch stream to one leader broker, carrying every partition it
   * follows there. The follower sends a request, the leader answers it (long poll), the
   * follower sends the next: one stream per leader, not one call per partition.
   */
  replicaFetch(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_tidelog_v1_ReplicaFetchRequest, _tidelog_v1_ReplicaFetchResponse__Output>;
  replicaFetch(options?: grpc.CallOptions): grpc.ClientDuplexStream<_tidelog_v1_ReplicaFetchRequest, _tidelog_v1_ReplicaFetchResponse__Output>;
  
  /**
   * A transaction coordinator to a partition leader: append COMMIT/ABORT control batches
   * (transaction markers) ending a producer's transaction on each partition named.
   */
  WriteTxnMarkers(argument: _tidelog_v1_WriteTxnMarkersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_WriteTxnMarkersResponse__Output>): grpc.ClientUnaryCall;
  WriteTxnMarkers(argument: _tidelog_v1_WriteTxnMarkersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_WriteTxnMarkersResponse__Output>): grpc.ClientUnaryCall;
  WriteTxnMarkers(argument: _tidelog_v1_WriteTxnMarkersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_WriteTxnMarkersResponse__Output>): grpc.ClientUnaryCall;
  WriteTxnMarkers(argument: _tidelog_v1_WriteTxnMarkersRequest, callback: grpc.requestCallback<_tidelog_v1_WriteTxnMarkersResponse__Output>): grpc.ClientUnaryCall;
  /**
   * A transaction coordinator to a partition leader: append COMMIT/ABORT control batches
   * (transaction markers) ending a producer's transaction on each partition named.
   */
  writeTxnMarkers(argument: _tidelog_v1_WriteTxnMarkersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_WriteTxnMarkersResponse__Output>): grpc.ClientUnaryCall;
  writeTxnMarkers(argument: _tidelog_v1_WriteTxnMarkersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_WriteTxnMarkersResponse__Output>): grpc.ClientUnaryCall;
  writeTxnMarkers(argument: _tidelog_v1_WriteTxnMarkersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_WriteTxnMarkersResponse__Output>): grpc.ClientUnaryCall;
  writeTxnMarkers(argument: _tidelog_v1_WriteTxnMarkersRequest, callback: grpc.requestCallback<_tidelog_v1_WriteTxnMarkersResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface ReplicationHandlers extends grpc.UntypedServiceImplementation {
  /**
   * The controller to a broker, for leader recovery (KIP-966's unclean recovery): the end
   * of this broker's local logs of the partitions named, so the most complete is elected.
   */
  DescribeReplicaLogs: grpc.handleUnaryCall<_tidelog_v1_DescribeReplicaLogsRequest__Output, _tidelog_v1_DescribeReplicaLogsResponse>;
  
  /**
   * A transaction's broker-to-broker requests on one stream per pair of brokers: a
   * partition leader's JoinTxnPartition to a coordinator and a coordinator's
   * WriteTxnMarkers to a leader, a few per transaction. A unary call costs a busy broker
   * several times what a message on an open stream does (bench/RESULTS.md, 2026-12-06).
   * Answers carry their request's correlation id and may come in any order. A broker
   * without this method is called with the unary ones.
   */
  PeerStream: grpc.handleBidiStreamingCall<_tidelog_v1_PeerRequest__Output, _tidelog_v1_PeerResponse>;
  
  /**
   * A follower broker's fetch stream to one leader broker, carrying every partition it
   * follows there. The follower sends a request, the leader answers it (long poll), the
   * follower sends the next: one stream per leader, not one call per partition.
   */
  ReplicaFetch: grpc.handleBidiStreamingCall<_tidelog_v1_ReplicaFetchRequest__Output, _tidelog_v1_ReplicaFetchResponse>;
  
  /**
   * A transaction coordinator to a partition leader: append COMMIT/ABORT control batches
   * (transaction markers) ending a producer's transaction on each partition named.
   */
  WriteTxnMarkers: grpc.handleUnaryCall<_tidelog_v1_WriteTxnMarkersRequest__Output, _tidelog_v1_WriteTxnMarkersResponse>;
  
}

export interface ReplicationDefinition extends grpc.ServiceDefinition {
  DescribeReplicaLogs: MethodDefinition<_tidelog_v1_DescribeReplicaLogsRequest, _tidelog_v1_DescribeReplicaLogsResponse, _tidelog_v1_DescribeReplicaLogsRequest__Output, _tidelog_v1_DescribeReplicaLogsResponse__Output>
  PeerStream: MethodDefinition<_tidelog_v1_PeerRequest, _tidelog_v1_PeerResponse, _tidelog_v1_PeerRequest__Output, _tidelog_v1_PeerResponse__Output>
  ReplicaFetch: MethodDefinition<_tidelog_v1_ReplicaFetchRequest, _tidelog_v1_ReplicaFetchResponse, _tidelog_v1_ReplicaFetchRequest__Output, _tidelog_v1_ReplicaFetchResponse__Output>
  WriteTxnMarkers: MethodDefinition<_tidelog_v1_WriteTxnMarkersRequest, _tidelog_v1_WriteTxnMarkersResponse, _tidelog_v1_WriteTxnMarkersRequest__Output, _tidelog_v1_WriteTxnMarkersResponse__Output>
}
