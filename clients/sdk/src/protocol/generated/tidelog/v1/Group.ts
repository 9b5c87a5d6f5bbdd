// Original file: proto/tidelog/v1/group.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DeleteGroupsRequest as _tidelog_v1_DeleteGroupsRequest, DeleteGroupsRequest__Output as _tidelog_v1_DeleteGroupsRequest__Output } from '../../tidelog/v1/DeleteGroupsRequest.js';
import type { DeleteGroupsResponse as _tidelog_v1_DeleteGroupsResponse, DeleteGroupsResponse__Output as _tidelog_v1_DeleteGroupsResponse__Output } from '../../tidelog/v1/DeleteGroupsResponse.js';
import type { DescribeGroupsRequest as _tidelog_v1_DescribeGroupsRequest, DescribeGroupsRequest__Output as _tidelog_v1_DescribeGroupsRequest__Output } from '../../tidelog/v1/DescribeGroupsRequest.js';
import type { DescribeGroupsResponse as _tidelog_v1_DescribeGroupsResponse, DescribeGroupsResponse__Output as _tidelog_v1_DescribeGroupsResponse__Output } from '../../tidelog/v1/DescribeGroupsResponse.js';
import type { FindCoordinatorRequest as _tidelog_v1_FindCoordinatorRequest, FindCoordinatorRequest__Output as _tidelog_v1_FindCoordinatorRequest__Output } from '../../tidelog/v1/FindCoordinatorRequest.js';
import type { FindCoordinatorResponse as _tidelog_v1_FindCoordinatorResponse, FindCoordinatorResponse__Output as _tidelog_v1_FindCoordinatorResponse__Output } from '../../tidelog/v1/FindCoordinatorResponse.js';
import type { GroupHeartbeatRequest as _tidelog_v1_GroupHeartbeatRequest, GroupHeartbeatRequest__Output as _tidelog_v1_GroupHeartbeatRequest__Output } from '../../tidelog/v1/GroupHeartbeatRequest.js';
import type { GroupHeartbeatResponse as _tidelog_v1_GroupHeartbeatResponse, GroupHeartbeatResponse__Output as _tidelog_v1_GroupHeartbeatResponse__Output } from '../../tidelog/v1/GroupHeartbeatResponse.js';
import type { ListGroupsRequest as _tidelog_v1_ListGroupsRequest, ListGroupsRequest__Output as _tidelog_v1_ListGroupsRequest__Output } from '../../tidelog/v1/ListGroupsRequest.js';
import type { ListGroupsResponse as _tidelog_v1_ListGroupsResponse, ListGroupsResponse__Output as _tidelog_v1_ListGroupsResponse__Output } from '../../tidelog/v1/ListGroupsResponse.js';
import type { OffsetCommitRequest as _tidelog_v1_OffsetCommitRequest, OffsetCommitRequest__Output as _tidelog_v1_OffsetCommitRequest__Output } from '../../tidelog/v1/OffsetCommitRequest.js';
import type { OffsetCommitResponse as _tidelog_v1_OffsetCommitResponse, OffsetCommitResponse__Output as _tidelog_v1_OffsetCommitResponse__Output } from '../../tidelog/v1/OffsetCommitResponse.js';
import type { OffsetFetchRequest as _tidelog_v1_OffsetFetchRequest, OffsetFetchRequest__Output as _tidelog_v1_OffsetFetchRequest__Output } from '../../tidelog/v1/OffsetFetchRequest.js';
import type { OffsetFetchResponse as _tidelog_v1_OffsetFetchResponse, OffsetFetchResponse__Output as _tidelog_v1_OffsetFetchResponse__Output } from '../../tidelog/v1/OffsetFetchResponse.js';
import type { TxnOffsetCommitRequest as _tidelog_v1_TxnOffsetCommitRequest, TxnOffsetCommitRequest__Output as _tidelog_v1_TxnOffsetCommitRequest__Output } from '../../tidelog/v1/TxnOffsetCommitRequest.js';

export interface GroupClient extends grpc.Client {
  /**
   * Refused with NON_EMPTY_GROUP while the group has members.
   */
  DeleteGroups(argument: _tidelog_v1_DeleteGroupsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DeleteGroupsResponse__Output>): grpc.ClientUnaryCall;
  DeleteGroups(argument: _tidelog_v1_DeleteGroupsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DeleteGroupsResponse__Output>): grpc.ClientUnaryCall;
  DeleteGroups(argument: _tidelog_v1_DeleteGroupsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DeleteGroupsResponse__Output>): grpc.ClientUnaryCall;
  DeleteGroups(argument: _tidelog_v1_DeleteGroupsRequest, callback: grpc.requestCallback<_tidelog_v1_DeleteGroupsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Refused with NON_EMPTY_GROUP while the group has members.
   */
  deleteGroups(argument: _tidelog_v1_DeleteGroupsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DeleteGroupsResponse__Output>): grpc.ClientUnaryCall;
  deleteGroups(argument: _tidelog_v1_DeleteGroupsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DeleteGroupsResponse__Output>): grpc.ClientUnaryCall;
  deleteGroups(argument: _tidelog_v1_DeleteGroupsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DeleteGroupsResponse__Output>): grpc.ClientUnaryCall;
  deleteGroups(argument: _tidelog_v1_DeleteGroupsRequest, callback: grpc.requestCallback<_tidelog_v1_DeleteGroupsResponse__Output>): grpc.ClientUnaryCall;
  
  DescribeGroups(argument: _tidelog_v1_DescribeGroupsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeGroupsResponse__Output>): grpc.ClientUnaryCall;
  DescribeGroups(argument: _tidelog_v1_DescribeGroupsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DescribeGroupsResponse__Output>): grpc.ClientUnaryCall;
  DescribeGroups(argument: _tidelog_v1_DescribeGroupsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeGroupsResponse__Output>): grpc.ClientUnaryCall;
  DescribeGroups(argument: _tidelog_v1_DescribeGroupsRequest, callback: grpc.requestCallback<_tidelog_v1_DescribeGroupsResponse__Output>): grpc.ClientUnaryCall;
  describeGroups(argument: _tidelog_v1_DescribeGroupsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeGroupsResponse__Output>): grpc.ClientUnaryCall;
  describeGroups(argument: _tidelog_v1_DescribeGroupsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DescribeGroupsResponse__Output>): grpc.ClientUnaryCall;
  describeGroups(argument: _tidelog_v1_DescribeGroupsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeGroupsResponse__Output>): grpc.ClientUnaryCall;
  describeGroups(argument: _tidelog_v1_DescribeGroupsRequest, callback: grpc.requestCallback<_tidelog_v1_DescribeGroupsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The broker coordinating a group: the leader of partition hash(group) mod N of
   * __consumer_offsets. Any broker answers; the active controller also creates
   * __consumer_offsets on first use.
   */
  FindCoordinator(argument: _tidelog_v1_FindCoordinatorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  FindCoordinator(argument: _tidelog_v1_FindCoordinatorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  FindCoordinator(argument: _tidelog_v1_FindCoordinatorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  FindCoordinator(argument: _tidelog_v1_FindCoordinatorRequest, callback: grpc.requestCallback<_tidelog_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The broker coordinating a group: the leader of partition hash(group) mod N of
   * __consumer_offsets. Any broker answers; the active controller also creates
   * __consumer_offsets on first use.
   */
  findCoordinator(argument: _tidelog_v1_FindCoordinatorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  findCoordinator(argument: _tidelog_v1_FindCoordinatorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  findCoordinator(argument: _tidelog_v1_FindCoordinatorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  findCoordinator(argument: _tidelog_v1_FindCoordinatorRequest, callback: grpc.requestCallback<_tidelog_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Join (member_epoch 0), stay (the current epoch), or leave (-1; -2 for a static
   * member that will come back under the same instance id).
   */
  Heartbeat(argument: _tidelog_v1_GroupHeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_GroupHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _tidelog_v1_GroupHeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_GroupHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _tidelog_v1_GroupHeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_GroupHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _tidelog_v1_GroupHeartbeatRequest, callback: grpc.requestCallback<_tidelog_v1_GroupHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Join (member_epoch 0), stay (the current epoch), or leave (-1; -2 for a static
   * member that will come back under the same instance id).
   */
  heartbeat(argument: _tidelog_v1_GroupHeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_GroupHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _tidelog_v1_GroupHeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_GroupHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _tidelog_v1_GroupHeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_GroupHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _tidelog_v1_GroupHeartbeatRequest, callback: grpc.requestCallback<_tidelog_v1_GroupHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The groups this broker coordinates (clients ask every broker).
   */
  ListGroups(argument: _tidelog_v1_ListGroupsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  ListGroups(argument: _tidelog_v1_ListGroupsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  ListGroups(argument: _tidelog_v1_ListGroupsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  ListGroups(argument: _tidelog_v1_ListGroupsRequest, callback: grpc.requestCallback<_tidelog_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The groups this broker coordinates (clients ask every broker).
   */
  listGroups(argument: _tidelog_v1_ListGroupsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  listGroups(argument: _tidelog_v1_ListGroupsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  listGroups(argument: _tidelog_v1_ListGroupsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  listGroups(argument: _tidelog_v1_ListGroupsRequest, callback: grpc.requestCallback<_tidelog_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  
  OffsetCommit(argument: _tidelog_v1_OffsetCommitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_OffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  OffsetCommit(argument: _tidelog_v1_OffsetCommitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_OffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  OffsetCommit(argument: _tidelog_v1_OffsetCommitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_OffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  OffsetCommit(argument: _tidelog_v1_OffsetCommitRequest, callback: grpc.requestCallback<_tidelog_v1_OffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  offsetCommit(argument: _tidelog_v1_OffsetCommitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_OffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  offsetCommit(argument: _tidelog_v1_OffsetCommitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_OffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  offsetCommit(argument: _tidelog_v1_OffsetCommitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_OffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  offsetCommit(argument: _tidelog_v1_OffsetCommitRequest, callback: grpc.requestCallback<_tidelog_v1_OffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  
  OffsetFetch(argument: _tidelog_v1_OffsetFetchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_OffsetFetchResponse__Output>): grpc.ClientUnaryCall;
  OffsetFetch(argument: _tidelog_v1_OffsetFetchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_OffsetFetchResponse__Output>): grpc.ClientUnaryCall;
  OffsetFetch(argument: _tidelog_v1_OffsetFetchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_OffsetFetchResponse__Output>): grpc.ClientUnaryCall;
  OffsetFetch(argument: _tidelog_v1_OffsetFetchRequest, callback: grpc.requestCallback<_tidelog_v1_OffsetFetchResponse__Output>): grpc.ClientUnaryCall;
  offsetFetch(argument: _tidelog_v1_OffsetFetchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_OffsetFetchResponse__Output>): grpc.ClientUnaryCall;
  offsetFetch(argument: _tidelog_v1_OffsetFetchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_OffsetFetchResponse__Output>): grpc.ClientUnaryCall;
  offsetFetch(argument: _tidelog_v1_OffsetFetchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_OffsetFetchResponse__Output>): grpc.ClientUnaryCall;
  offsetFetch(argument: _tidelog_v1_OffsetFetchRequest, callback: grpc.requestCallback<_tidelog_v1_OffsetFetchResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Offsets committed inside a transaction (consume-transform-produce): held pending
   * until the transaction's marker reaches the group's partition, then applied (commit)
   * or dropped (abort). The member id and epoch fence a zombie from before a rebalance
   * (KIP-447).
   */
  TxnOffsetCommit(argument: _tidelog_v1_TxnOffsetCommitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_OffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  TxnOffsetCommit(argument: _tidelog_v1_TxnOffsetCommitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_OffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  TxnOffsetCommit(argument: _tidelog_v1_TxnOffsetCommitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_OffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  TxnOffsetCommit(argument: _tidelog_v1_TxnOffsetCommitRequest, callback: grpc.requestCallback<_tidelog_v1_OffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Offsets committed inside a transaction (consume-transform-produce): held pending
   * until the transaction's marker reaches the group's partition, then applied (commit)
   * or dropped (abort). The member id and epoch fence a zombie from before a rebalance
   * (KIP-447).
   */
  txnOffsetCommit(argument: _tidelog_v1_TxnOffsetCommitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_OffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  txnOffsetCommit(argument: _tidelog_v1_TxnOffsetCommitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_OffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  txnOffsetCommit(argument: _tidelog_v1_TxnOffsetCommitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_OffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  txnOffsetCommit(argument: _tidelog_v1_TxnOffsetCommitRequest, callback: grpc.requestCallback<_tidelog_v1_OffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface GroupHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Refused with NON_EMPTY_GROUP while the group has members.
   */
  DeleteGroups: grpc.handleUnaryCall<_tidelog_v1_DeleteGroupsRequest__Output, _tidelog_v1_DeleteGroupsResponse>;
  
  DescribeGroups: grpc.handleUnaryCall<_tidelog_v1_DescribeGroupsRequest__Output, _tidelog_v1_DescribeGroupsResponse>;
  
  /**
   * The broker coordinating a group: the leader of partition hash(group) mod N of
   * __consumer_offsets. Any broker answers; the active controller also creates
   * __consumer_offsets on first use.
   */
  FindCoordinator: grpc.handleUnaryCall<_tidelog_v1_FindCoordinatorRequest__Output, _tidelog_v1_FindCoordinatorResponse>;
  
  /**
   * Join (member_epoch 0), stay (the current epoch), or leave (-1; -2 for a static
   * member that will come back under the same instance id).
   */
  Heartbeat: grpc.handleUnaryCall<_tidelog_v1_GroupHeartbeatRequest__Output, _tidelog_v1_GroupHeartbeatResponse>;
  
  /**
   * The groups this broker coordinates (clients ask every broker).
   */
  ListGroups: grpc.handleUnaryCall<_tidelog_v1_ListGroupsRequest__Output, _tidelog_v1_ListGroupsResponse>;
  
  OffsetCommit: grpc.handleUnaryCall<_tidelog_v1_OffsetCommitRequest__Output, _tidelog_v1_OffsetCommitResponse>;
  
  OffsetFetch: grpc.handleUnaryCall<_tidelog_v1_OffsetFetchRequest__Output, _tidelog_v1_OffsetFetchResponse>;
  
  /**
   * Offsets committed inside a transaction (consume-transform-produce): held pending
   * until the transaction's marker reaches the group's partition, then applied (commit)
   * or dropped (abort). The member id and epoch fence a zombie from before a rebalance
   * (KIP-447).
   */
  TxnOffsetCommit: grpc.handleUnaryCall<_tidelog_v1_TxnOffsetCommitRequest__Output, _tidelog_v1_OffsetCommitResponse>;
  
}

export interface GroupDefinition extends grpc.ServiceDefinition {
  DeleteGroups: MethodDefinition<_tidelog_v1_DeleteGroupsRequest, _tidelog_v1_DeleteGroupsResponse, _tidelog_v1_DeleteGroupsRequest__Output, _tidelog_v1_DeleteGroupsResponse__Output>
  DescribeGroups: MethodDefinition<_tidelog_v1_DescribeGroupsRequest, _tidelog_v1_DescribeGroupsResponse, _tidelog_v1_DescribeGroupsRequest__Output, _tidelog_v1_DescribeGroupsResponse__Output>
  FindCoordinator: MethodDefinition<_tidelog_v1_FindCoordinatorRequest, _tidelog_v1_FindCoordinatorResponse, _tidelog_v1_FindCoordinatorRequest__Output, _tidelog_v1_FindCoordinatorResponse__Output>
  Heartbeat: MethodDefinition<_tidelog_v1_GroupHeartbeatRequest, _tidelog_v1_GroupHeartbeatResponse, _tidelog_v1_GroupHeartbeatRequest__Output, _tidelog_v1_GroupHeartbeatResponse__Output>
  ListGroups: MethodDefinition<_tidelog_v1_ListGroupsRequest, _tidelog_v1_ListGroupsResponse, _tidelog_v1_ListGroupsRequest__Output, _tidelog_v1_ListGroupsResponse__Output>
  OffsetCommit: MethodDefinition<_tidelog_v1_OffsetCommitRequest, _tidelog_v1_OffsetCommitResponse, _tidelog_v1_OffsetCommitRequest__Output, _tidelog_v1_OffsetCommitResponse__Output>
  OffsetFetch: MethodDefinition<_tidelog_v1_OffsetFetchRequest, _tidelog_v1_OffsetFetchResponse, _tidelog_v1_OffsetFetchRequest__Output, _tidelog_v1_OffsetFetchResponse__Output>
  TxnOffsetCommit: MethodDefinition<_tidelog_v1_TxnOffsetCommitRequest, _tidelog_v1_OffsetCommitResponse, _tidelog_v1_TxnOffsetCommitRequest__Output, _tidelog_v1_OffsetCommitResponse__Output>
}
