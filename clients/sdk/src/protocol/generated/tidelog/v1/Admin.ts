// Original file: proto/tidelog/v1/admin.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AlterConfigsRequest as _tidelog_v1_AlterConfigsRequest, AlterConfigsRequest__Output as _tidelog_v1_AlterConfigsRequest__Output } from '../../tidelog/v1/AlterConfigsRequest.js';
import type { AlterConfigsResponse as _tidelog_v1_AlterConfigsResponse, AlterConfigsResponse__Output as _tidelog_v1_AlterConfigsResponse__Output } from '../../tidelog/v1/AlterConfigsResponse.js';
import type { AlterPartitionReassignmentsRequest as _tidelog_v1_AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsRequest__Output as _tidelog_v1_AlterPartitionReassignmentsRequest__Output } from '../../tidelog/v1/AlterPartitionReassignmentsRequest.js';
import type { AlterPartitionReassignmentsResponse as _tidelog_v1_AlterPartitionReassignmentsResponse, AlterPartitionReassignmentsResponse__Output as _tidelog_v1_AlterPartitionReassignmentsResponse__Output } from '../../tidelog/v1/AlterPartitionReassignmentsResponse.js';
import type { CreatePartitionsRequest as _tidelog_v1_CreatePartitionsRequest, CreatePartitionsRequest__Output as _tidelog_v1_CreatePartitionsRequest__Output } from '../../tidelog/v1/CreatePartitionsRequest.js';
import type { CreatePartitionsResponse as _tidelog_v1_CreatePartitionsResponse, CreatePartitionsResponse__Output as _tidelog_v1_CreatePartitionsResponse__Output } from '../../tidelog/v1/CreatePartitionsResponse.js';
import type { CreateTopicsRequest as _tidelog_v1_CreateTopicsRequest, CreateTopicsRequest__Output as _tidelog_v1_CreateTopicsRequest__Output } from '../../tidelog/v1/CreateTopicsRequest.js';
import type { CreateTopicsResponse as _tidelog_v1_CreateTopicsResponse, CreateTopicsResponse__Output as _tidelog_v1_CreateTopicsResponse__Output } from '../../tidelog/v1/CreateTopicsResponse.js';
import type { DeleteTopicsRequest as _tidelog_v1_DeleteTopicsRequest, DeleteTopicsRequest__Output as _tidelog_v1_DeleteTopicsRequest__Output } from '../../tidelog/v1/DeleteTopicsRequest.js';
import type { DeleteTopicsResponse as _tidelog_v1_DeleteTopicsResponse, DeleteTopicsResponse__Output as _tidelog_v1_DeleteTopicsResponse__Output } from '../../tidelog/v1/DeleteTopicsResponse.js';
import type { DescribeClusterRequest as _tidelog_v1_DescribeClusterRequest, DescribeClusterRequest__Output as _tidelog_v1_DescribeClusterRequest__Output } from '../../tidelog/v1/DescribeClusterRequest.js';
import type { DescribeClusterResponse as _tidelog_v1_DescribeClusterResponse, DescribeClusterResponse__Output as _tidelog_v1_DescribeClusterResponse__Output } from '../../tidelog/v1/DescribeClusterResponse.js';
import type { DescribeConfigsRequest as _tidelog_v1_DescribeConfigsRequest, DescribeConfigsRequest__Output as _tidelog_v1_DescribeConfigsRequest__Output } from '../../tidelog/v1/DescribeConfigsRequest.js';
import type { DescribeConfigsResponse as _tidelog_v1_DescribeConfigsResponse, DescribeConfigsResponse__Output as _tidelog_v1_DescribeConfigsResponse__Output } from '../../tidelog/v1/DescribeConfigsResponse.js';
import type { DescribeLogDirsRequest as _tidelog_v1_DescribeLogDirsRequest, DescribeLogDirsRequest__Output as _tidelog_v1_DescribeLogDirsRequest__Output } from '../../tidelog/v1/DescribeLogDirsRequest.js';
import type { DescribeLogDirsResponse as _tidelog_v1_DescribeLogDirsResponse, DescribeLogDirsResponse__Output as _tidelog_v1_DescribeLogDirsResponse__Output } from '../../tidelog/v1/DescribeLogDirsResponse.js';
import type { DescribeTopicsRequest as _tidelog_v1_DescribeTopicsRequest, DescribeTopicsRequest__Output as _tidelog_v1_DescribeTopicsRequest__Output } from '../../tidelog/v1/DescribeTopicsRequest.js';
import type { DescribeTopicsResponse as _tidelog_v1_DescribeTopicsResponse, DescribeTopicsResponse__Output as _tidelog_v1_DescribeTopicsResponse__Output } from '../../tidelog/v1/DescribeTopicsResponse.js';
import type { ElectLeadersRequest as _tidelog_v1_ElectLeadersRequest, ElectLeadersRequest__Output as _tidelog_v1_ElectLeadersRequest__Output } from '../../tidelog/v1/ElectLeadersRequest.js';
import type { ElectLeadersResponse as _tidelog_v1_ElectLeadersResponse, ElectLeadersResponse__Output as _tidelog_v1_ElectLeadersResponse__Output } from '../../tidelog/v1/ElectLeadersResponse.js';
import type { ListPartitionReassignmentsRequest as _tidelog_v1_ListPartitionReassignmentsRequest, ListPartitionReassignmentsRequest__Output as _tidelog_v1_ListPartitionReassignmentsRequest__Output } from '../../tidelog/v1/ListPartitionReassignmentsRequest.js';
import type { ListPartitionReassignmentsResponse as _tidelog_v1_ListPartitionReassignmentsResponse, ListPartitionReassignmentsResponse__Output as _tidelog_v1_ListPartitionReassignmentsResponse__Output } from '../../tidelog/v1/ListPartitionReassignmentsResponse.js';
import type { ListTopicsRequest as _tidelog_v1_ListTopicsRequest, ListTopicsRequest__Output as _tidelog_v1_ListTopicsRequest__Output } from '../../tidelog/v1/ListTopicsRequest.js';
import type { ListTopicsResponse as _tidelog_v1_ListTopicsResponse, ListTopicsResponse__Output as _tidelog_v1_ListTopicsResponse__Output } from '../../tidelog/v1/ListTopicsResponse.js';

export interface AdminClient extends grpc.Client {
  AlterConfigs(argument: _tidelog_v1_AlterConfigsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  AlterConfigs(argument: _tidelog_v1_AlterConfigsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  AlterConfigs(argument: _tidelog_v1_AlterConfigsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  AlterConfigs(argument: _tidelog_v1_AlterConfigsRequest, callback: grpc.requestCallback<_tidelog_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  alterConfigs(argument: _tidelog_v1_AlterConfigsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  alterConfigs(argument: _tidelog_v1_AlterConfigsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  alterConfigs(argument: _tidelog_v1_AlterConfigsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  alterConfigs(argument: _tidelog_v1_AlterConfigsRequest, callback: grpc.requestCallback<_tidelog_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Moves partitions to new replica lists, or cancels such moves (Kafka's
   * AlterPartitionReassignments): served by the controller.
   */
  AlterPartitionReassignments(argument: _tidelog_v1_AlterPartitionReassignmentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AlterPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  AlterPartitionReassignments(argument: _tidelog_v1_AlterPartitionReassignmentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_AlterPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  AlterPartitionReassignments(argument: _tidelog_v1_AlterPartitionReassignmentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AlterPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  AlterPartitionReassignments(argument: _tidelog_v1_AlterPartitionReassignmentsRequest, callback: grpc.requestCallback<_tidelog_v1_AlterPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Moves partitions to new replica lists, or cancels such moves (Kafka's
   * AlterPartitionReassignments): served by the controller.
   */
  alterPartitionReassignments(argument: _tidelog_v1_AlterPartitionReassignmentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AlterPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  alterPartitionReassignments(argument: _tidelog_v1_AlterPartitionReassignmentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_AlterPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  alterPartitionReassignments(argument: _tidelog_v1_AlterPartitionReassignmentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AlterPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  alterPartitionReassignments(argument: _tidelog_v1_AlterPartitionReassignmentsRequest, callback: grpc.requestCallback<_tidelog_v1_AlterPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  
  CreatePartitions(argument: _tidelog_v1_CreatePartitionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_CreatePartitionsResponse__Output>): grpc.ClientUnaryCall;
  CreatePartitions(argument: _tidelog_v1_CreatePartitionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_CreatePartitionsResponse__Output>): grpc.ClientUnaryCall;
  CreatePartitions(argument: _tidelog_v1_CreatePartitionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_CreatePartitionsResponse__Output>): grpc.ClientUnaryCall;
  CreatePartitions(argument: _tidelog_v1_CreatePartitionsRequest, callback: grpc.requestCallback<_tidelog_v1_CreatePartitionsResponse__Output>): grpc.ClientUnaryCall;
  createPartitions(argument: _tidelog_v1_CreatePartitionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_CreatePartitionsResponse__Output>): grpc.ClientUnaryCall;
  createPartitions(argument: _tidelog_v1_CreatePartitionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_CreatePartitionsResponse__Output>): grpc.ClientUnaryCall;
  createPartitions(argument: _tidelog_v1_CreatePartitionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_CreatePartitionsResponse__Output>): grpc.ClientUnaryCall;
  createPartitions(argument: _tidelog_v1_CreatePartitionsRequest, callback: grpc.requestCallback<_tidelog_v1_CreatePartitionsResponse__Output>): grpc.ClientUnaryCall;
  
  CreateTopics(argument: _tidelog_v1_CreateTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  CreateTopics(argument: _tidelog_v1_CreateTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  CreateTopics(argument: _tidelog_v1_CreateTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  CreateTopics(argument: _tidelog_v1_CreateTopicsRequest, callback: grpc.requestCallback<_tidelog_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  createTopics(argument: _tidelog_v1_CreateTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  createTopics(argument: _tidelog_v1_CreateTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  createTopics(argument: _tidelog_v1_CreateTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  createTopics(argument: _tidelog_v1_CreateTopicsRequest, callback: grpc.requestCallback<_tidelog_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteTopics(argument: _tidelog_v1_DeleteTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopics(argument: _tidelog_v1_DeleteTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopics(argument: _tidelog_v1_DeleteTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopics(argument: _tidelog_v1_DeleteTopicsRequest, callback: grpc.requestCallback<_tidelog_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  deleteTopics(argument: _tidelog_v1_DeleteTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  deleteTopics(argument: _tidelog_v1_DeleteTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  deleteTopics(argument: _tidelog_v1_DeleteTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  deleteTopics(argument: _tidelog_v1_DeleteTopicsRequest, callback: grpc.requestCallback<_tidelog_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  
  DescribeCluster(argument: _tidelog_v1_DescribeClusterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  DescribeCluster(argument: _tidelog_v1_DescribeClusterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  DescribeCluster(argument: _tidelog_v1_DescribeClusterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  DescribeCluster(argument: _tidelog_v1_DescribeClusterRequest, callback: grpc.requestCallback<_tidelog_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  describeCluster(argument: _tidelog_v1_DescribeClusterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  describeCluster(argument: _tidelog_v1_DescribeClusterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  describeCluster(argument: _tidelog_v1_DescribeClusterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  describeCluster(argument: _tidelog_v1_DescribeClusterRequest, callback: grpc.requestCallback<_tidelog_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  
  DescribeConfigs(argument: _tidelog_v1_DescribeConfigsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeConfigsResponse__Output>): grpc.ClientUnaryCall;
  DescribeConfigs(argument: _tidelog_v1_DescribeConfigsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DescribeConfigsResponse__Output>): grpc.ClientUnaryCall;
  DescribeConfigs(argument: _tidelog_v1_DescribeConfigsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeConfigsResponse__Output>): grpc.ClientUnaryCall;
  DescribeConfigs(argument: _tidelog_v1_DescribeConfigsRequest, callback: grpc.requestCallback<_tidelog_v1_DescribeConfigsResponse__Output>): grpc.ClientUnaryCall;
  describeConfigs(argument: _tidelog_v1_DescribeConfigsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeConfigsResponse__Output>): grpc.ClientUnaryCall;
  describeConfigs(argument: _tidelog_v1_DescribeConfigsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DescribeConfigsResponse__Output>): grpc.ClientUnaryCall;
  describeConfigs(argument: _tidelog_v1_DescribeConfigsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeConfigsResponse__Output>): grpc.ClientUnaryCall;
  describeConfigs(argument: _tidelog_v1_DescribeConfigsRequest, callback: grpc.requestCallback<_tidelog_v1_DescribeConfigsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The logs the answering broker holds (Kafka's DescribeLogDirs): ask each broker.
   */
  DescribeLogDirs(argument: _tidelog_v1_DescribeLogDirsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeLogDirsResponse__Output>): grpc.ClientUnaryCall;
  DescribeLogDirs(argument: _tidelog_v1_DescribeLogDirsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DescribeLogDirsResponse__Output>): grpc.ClientUnaryCall;
  DescribeLogDirs(argument: _tidelog_v1_DescribeLogDirsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeLogDirsResponse__Output>): grpc.ClientUnaryCall;
  DescribeLogDirs(argument: _tidelog_v1_DescribeLogDirsRequest, callback: grpc.requestCallback<_tidelog_v1_DescribeLogDirsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The logs the answering broker holds (Kafka's DescribeLogDirs): ask each broker.
   */
  describeLogDirs(argument: _tidelog_v1_DescribeLogDirsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeLogDirsResponse__Output>): grpc.ClientUnaryCall;
  describeLogDirs(argument: _tidelog_v1_DescribeLogDirsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DescribeLogDirsResponse__Output>): grpc.ClientUnaryCall;
  describeLogDirs(argument: _tidelog_v1_DescribeLogDirsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeLogDirsResponse__Output>): grpc.ClientUnaryCall;
  describeLogDirs(argument: _tidelog_v1_DescribeLogDirsRequest, callback: grpc.requestCallback<_tidelog_v1_DescribeLogDirsResponse__Output>): grpc.ClientUnaryCall;
  
  DescribeTopics(argument: _tidelog_v1_DescribeTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeTopicsResponse__Output>): grpc.ClientUnaryCall;
  DescribeTopics(argument: _tidelog_v1_DescribeTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DescribeTopicsResponse__Output>): grpc.ClientUnaryCall;
  DescribeTopics(argument: _tidelog_v1_DescribeTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeTopicsResponse__Output>): grpc.ClientUnaryCall;
  DescribeTopics(argument: _tidelog_v1_DescribeTopicsRequest, callback: grpc.requestCallback<_tidelog_v1_DescribeTopicsResponse__Output>): grpc.ClientUnaryCall;
  describeTopics(argument: _tidelog_v1_DescribeTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeTopicsResponse__Output>): grpc.ClientUnaryCall;
  describeTopics(argument: _tidelog_v1_DescribeTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DescribeTopicsResponse__Output>): grpc.ClientUnaryCall;
  describeTopics(argument: _tidelog_v1_DescribeTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeTopicsResponse__Output>): grpc.ClientUnaryCall;
  describeTopics(argument: _tidelog_v1_DescribeTopicsRequest, callback: grpc.requestCallback<_tidelog_v1_DescribeTopicsResponse__Output>): grpc.ClientUnaryCall;
  
  ElectLeaders(argument: _tidelog_v1_ElectLeadersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_ElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  ElectLeaders(argument: _tidelog_v1_ElectLeadersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_ElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  ElectLeaders(argument: _tidelog_v1_ElectLeadersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_ElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  ElectLeaders(argument: _tidelog_v1_ElectLeadersRequest, callback: grpc.requestCallback<_tidelog_v1_ElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  electLeaders(argument: _tidelog_v1_ElectLeadersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_ElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  electLeaders(argument: _tidelog_v1_ElectLeadersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_ElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  electLeaders(argument: _tidelog_v1_ElectLeadersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_ElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  electLeaders(argument: _tidelog_v1_ElectLeadersRequest, callback: grpc.requestCallback<_tidelog_v1_ElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The moves in progress and the reassignment throttle: served by any broker.
   */
  ListPartitionReassignments(argument: _tidelog_v1_ListPartitionReassignmentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_ListPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  ListPartitionReassignments(argument: _tidelog_v1_ListPartitionReassignmentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_ListPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  ListPartitionReassignments(argument: _tidelog_v1_ListPartitionReassignmentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_ListPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  ListPartitionReassignments(argument: _tidelog_v1_ListPartitionReassignmentsRequest, callback: grpc.requestCallback<_tidelog_v1_ListPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The moves in progress and the reassignment throttle: served by any broker.
   */
  listPartitionReassignments(argument: _tidelog_v1_ListPartitionReassignmentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_ListPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  listPartitionReassignments(argument: _tidelog_v1_ListPartitionReassignmentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_ListPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  listPartitionReassignments(argument: _tidelog_v1_ListPartitionReassignmentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_ListPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  listPartitionReassignments(argument: _tidelog_v1_ListPartitionReassignmentsRequest, callback: grpc.requestCallback<_tidelog_v1_ListPartitionReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  
  ListTopics(argument: _tidelog_v1_ListTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  ListTopics(argument: _tidelog_v1_ListTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  ListTopics(argument: _tidelog_v1_ListTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  ListTopics(argument: _tidelog_v1_ListTopicsRequest, callback: grpc.requestCallback<_tidelog_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _tidelog_v1_ListTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _tidelog_v1_ListTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _tidelog_v1_ListTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _tidelog_v1_ListTopicsRequest, callback: grpc.requestCallback<_tidelog_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface AdminHandlers extends grpc.UntypedServiceImplementation {
  AlterConfigs: grpc.handleUnaryCall<_tidelog_v1_AlterConfigsRequest__Output, _tidelog_v1_AlterConfigsResponse>;
  
  /**
   * Moves partitions to new replica lists, or cancels such moves (Kafka's
   * AlterPartitionReassignments): served by the controller.
   */
  AlterPartitionReassignments: grpc.handleUnaryCall<_tidelog_v1_AlterPartitionReassignmentsRequest__Output, _tidelog_v1_AlterPartitionReassignmentsResponse>;
  
  CreatePartitions: grpc.handleUnaryCall<_tidelog_v1_CreatePartitionsRequest__Output, _tidelog_v1_CreatePartitionsResponse>;
  
  CreateTopics: grpc.handleUnaryCall<_tidelog_v1_CreateTopicsRequest__Output, _tidelog_v1_CreateTopicsResponse>;
  
  DeleteTopics: grpc.handleUnaryCall<_tidelog_v1_DeleteTopicsRequest__Output, _tidelog_v1_DeleteTopicsResponse>;
  
  DescribeCluster: grpc.handleUnaryCall<_tidelog_v1_DescribeClusterRequest__Output, _tidelog_v1_DescribeClusterResponse>;
  
  DescribeConfigs: grpc.handleUnaryCall<_tidelog_v1_DescribeConfigsRequest__Output, _tidelog_v1_DescribeConfigsResponse>;
  
  /**
   * The logs the answering broker holds (Kafka's DescribeLogDirs): ask each broker.
   */
  DescribeLogDirs: grpc.handleUnaryCall<_tidelog_v1_DescribeLogDirsRequest__Output, _tidelog_v1_DescribeLogDirsResponse>;
  
  DescribeTopics: grpc.handleUnaryCall<_tidelog_v1_DescribeTopicsRequest__Output, _tidelog_v1_DescribeTopicsResponse>;
  
  ElectLeaders: grpc.handleUnaryCall<_tidelog_v1_ElectLeadersRequest__Output, _tidelog_v1_ElectLeadersResponse>;
  
  /**
   * The moves in progress and the reassignment throttle: served by any broker.
   */
  ListPartitionReassignments: grpc.handleUnaryCall<_tidelog_v1_ListPartitionReassignmentsRequest__Output, _tidelog_v1_ListPartitionReassignmentsResponse>;
  
  ListTopics: grpc.handleUnaryCall<_tidelog_v1_ListTopicsRequest__Output, _tidelog_v1_ListTopicsResponse>;
  
}

export interface AdminDefinition extends grpc.ServiceDefinition {
  AlterConfigs: MethodDefinition<_tidelog_v1_AlterConfigsRequest, _tidelog_v1_AlterConfigsResponse, _tidelog_v1_AlterConfigsRequest__Output, _tidelog_v1_AlterConfigsResponse__Output>
  AlterPartitionReassignments: MethodDefinition<_tidelog_v1_AlterPartitionReassignmentsRequest, _tidelog_v1_AlterPartitionReassignmentsResponse, _tidelog_v1_AlterPartitionReassignmentsRequest__Output, _tidelog_v1_AlterPartitionReassignmentsResponse__Output>
  CreatePartitions: MethodDefinition<_tidelog_v1_CreatePartitionsRequest, _tidelog_v1_CreatePartitionsResponse, _tidelog_v1_CreatePartitionsRequest__Output, _tidelog_v1_CreatePartitionsResponse__Output>
  CreateTopics: MethodDefinition<_tidelog_v1_CreateTopicsRequest, _tidelog_v1_CreateTopicsResponse, _tidelog_v1_CreateTopicsRequest__Output, _tidelog_v1_CreateTopicsResponse__Output>
  DeleteTopics: MethodDefinition<_tidelog_v1_DeleteTopicsRequest, _tidelog_v1_DeleteTopicsResponse, _tidelog_v1_DeleteTopicsRequest__Output, _tidelog_v1_DeleteTopicsResponse__Output>
  DescribeCluster: MethodDefinition<_tidelog_v1_DescribeClusterRequest, _tidelog_v1_DescribeClusterResponse, _tidelog_v1_DescribeClusterRequest__Output, _tidelog_v1_DescribeClusterResponse__Output>
  DescribeConfigs: MethodDefinition<_tidelog_v1_DescribeConfigsRequest, _tidelog_v1_DescribeConfigsResponse, _tidelog_v1_DescribeConfigsRequest__Output, _tidelog_v1_DescribeConfigsResponse__Output>
  DescribeLogDirs: MethodDefinition<_tidelog_v1_DescribeLogDirsRequest, _tidelog_v1_DescribeLogDirsResponse, _tidelog_v1_DescribeLogDirsRequest__Output, _tidelog_v1_DescribeLogDirsResponse__Output>
  DescribeTopics: MethodDefinition<_tidelog_v1_DescribeTopicsRequest, _tidelog_v1_DescribeTopicsResponse, _tidelog_v1_DescribeTopicsRequest__Output, _tidelog_v1_DescribeTopicsResponse__Output>
  ElectLeaders: MethodDefinition<_tidelog_v1_ElectLeadersRequest, _tidelog_v1_ElectLeadersResponse, _tidelog_v1_ElectLeadersRequest__Output, _tidelog_v1_ElectLeadersResponse__Output>
  ListPartitionReassignments: MethodDefinition<_tidelog_v1_ListPartitionReassignmentsRequest, _tidelog_v1_ListPartitionReassignmentsResponse, _tidelog_v1_ListPartitionReassignmentsRequest__Output, _tidelog_v1_ListPartitionReassignmentsResponse__Output>
  ListTopics: MethodDefinition<_tidelog_v1_ListTopicsRequest, _tidelog_v1_ListTopicsResponse, _tidelog_v1_ListTopicsRequest__Output, _tidelog_v1_ListTopicsResponse__Output>
}
