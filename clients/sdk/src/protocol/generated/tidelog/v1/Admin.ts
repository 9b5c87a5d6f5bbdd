// Original file: proto/tidelog/v1/admin.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AlterClientQuotasRequest as _tidelog_v1_AlterClientQuotasRequest, AlterClientQuotasRequest__Output as _tidelog_v1_AlterClientQuotasRequest__Output } from '../../tidelog/v1/AlterClientQuotasRequest.js';
import type { AlterClientQuotasResponse as _tidelog_v1_AlterClientQuotasResponse, AlterClientQuotasResponse__Output as _tidelog_v1_AlterClientQuotasResponse__Output } from '../../tidelog/v1/AlterClientQuotasResponse.js';
import type { AlterConfigsRequest as _tidelog_v1_AlterConfigsRequest, AlterConfigsRequest__Output as _tidelog_v1_AlterConfigsRequest__Output } from '../../tidelog/v1/AlterConfigsRequest.js';
import type { AlterConfigsResponse as _tidelog_v1_AlterConfigsResponse, AlterConfigsResponse__Output as _tidelog_v1_AlterConfigsResponse__Output } from '../../tidelog/v1/AlterConfigsResponse.js';
import type { AlterPartitionReassignmentsRequest as _tidelog_v1_AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsRequest__Output as _tidelog_v1_AlterPartitionReassignmentsRequest__Output } from '../../tidelog/v1/AlterPartitionReassignmentsRequest.js';
import type { AlterPartitionReassignmentsResponse as _tidelog_v1_AlterPartitionReassignmentsResponse, AlterPartitionReassignmentsResponse__Output as _tidelog_v1_AlterPartitionReassignmentsResponse__Output } from '../../tidelog/v1/AlterPartitionReassignmentsResponse.js';
import type { AlterUserScramCredentialsRequest as _tidelog_v1_AlterUserScramCredentialsRequest, AlterUserScramCredentialsRequest__Output as _tidelog_v1_AlterUserScramCredentialsRequest__Output } from '../../tidelog/v1/AlterUserScramCredentialsRequest.js';
import type { AlterUserScramCredentialsResponse as _tidelog_v1_AlterUserScramCredentialsResponse, AlterUserScramCredentialsResponse__Output as _tidelog_v1_AlterUserScramCredentialsResponse__Output } from '../../tidelog/v1/AlterUserScramCredentialsResponse.js';
import type { CreateAclsRequest as _tidelog_v1_CreateAclsRequest, CreateAclsRequest__Output as _tidelog_v1_CreateAclsRequest__Output } from '../../tidelog/v1/CreateAclsRequest.js';
import type { CreateAclsResponse as _tidelog_v1_CreateAclsResponse, CreateAclsResponse__Output as _tidelog_v1_CreateAclsResponse__Output } from '../../tidelog/v1/CreateAclsResponse.js';
import type { CreatePartitionsRequest as _tidelog_v1_CreatePartitionsRequest, CreatePartitionsRequest__Output as _tidelog_v1_CreatePartitionsRequest__Output } from '../../tidelog/v1/CreatePartitionsRequest.js';
import type { CreatePartitionsResponse as _tidelog_v1_CreatePartitionsResponse, CreatePartitionsResponse__Output as _tidelog_v1_CreatePartitionsResponse__Output } from '../../tidelog/v1/CreatePartitionsResponse.js';
import type { CreateTopicsRequest as _tidelog_v1_CreateTopicsRequest, CreateTopicsRequest__Output as _tidelog_v1_CreateTopicsRequest__Output } from '../../tidelog/v1/CreateTopicsRequest.js';
import type { CreateTopicsResponse as _tidelog_v1_CreateTopicsResponse, CreateTopicsResponse__Output as _tidelog_v1_CreateTopicsResponse__Output } from '../../tidelog/v1/CreateTopicsResponse.js';
import type { DeleteAclsRequest as _tidelog_v1_DeleteAclsRequest, DeleteAclsRequest__Output as _tidelog_v1_DeleteAclsRequest__Output } from '../../tidelog/v1/DeleteAclsRequest.js';
import type { DeleteAclsResponse as _tidelog_v1_DeleteAclsResponse, DeleteAclsResponse__Output as _tidelog_v1_DeleteAclsResponse__Output } from '../../tidelog/v1/DeleteAclsResponse.js';
import type { DeleteTopicsRequest as _tidelog_v1_DeleteTopicsRequest, DeleteTopicsRequest__Output as _tidelog_v1_DeleteTopicsRequest__Output } from '../../tidelog/v1/DeleteTopicsRequest.js';
import type { DeleteTopicsResponse as _tidelog_v1_DeleteTopicsResponse, DeleteTopicsResponse__Output as _tidelog_v1_DeleteTopicsResponse__Output } from '../../tidelog/v1/DeleteTopicsResponse.js';
import type { DescribeAclsRequest as _tidelog_v1_DescribeAclsRequest, DescribeAclsRequest__Output as _tidelog_v1_DescribeAclsRequest__Output } from '../../tidelog/v1/DescribeAclsRequest.js';
import type { DescribeAclsResponse as _tidelog_v1_DescribeAclsResponse, DescribeAclsResponse__Output as _tidelog_v1_DescribeAclsResponse__Output } from '../../tidelog/v1/DescribeAclsResponse.js';
import type { DescribeClientQuotasRequest as _tidelog_v1_DescribeClientQuotasRequest, DescribeClientQuotasRequest__Output as _tidelog_v1_DescribeClientQuotasRequest__Output } from '../../tidelog/v1/DescribeClientQuotasRequest.js';
import type { DescribeClientQuotasResponse as _tidelog_v1_DescribeClientQuotasResponse, DescribeClientQuotasResponse__Output as _tidelog_v1_DescribeClientQuotasResponse__Output } from '../../tidelog/v1/DescribeClientQuotasResponse.js';
import type { DescribeClusterRequest as _tidelog_v1_DescribeClusterRequest, DescribeClusterRequest__Output as _tidelog_v1_DescribeClusterRequest__Output } from '../../tidelog/v1/DescribeClusterRequest.js';
import type { DescribeClusterResponse as _tidelog_v1_DescribeClusterResponse, DescribeClusterResponse__Output as _tidelog_v1_DescribeClusterResponse__Output } from '../../tidelog/v1/DescribeClusterResponse.js';
import type { DescribeConfigsRequest as _tidelog_v1_DescribeConfigsRequest, DescribeConfigsRequest__Output as _tidelog_v1_DescribeConfigsRequest__Output } from '../../tidelog/v1/DescribeConfigsRequest.js';
import type { DescribeConfigsResponse as _tidelog_v1_DescribeConfigsResponse, DescribeConfigsResponse__Output as _tidelog_v1_DescribeConfigsResponse__Output } from '../../tidelog/v1/DescribeConfigsResponse.js';
import type { DescribeLogDirsRequest as _tidelog_v1_DescribeLogDirsRequest, DescribeLogDirsRequest__Output as _tidelog_v1_DescribeLogDirsRequest__Output } from '../../tidelog/v1/DescribeLogDirsRequest.js';
import type { DescribeLogDirsResponse as _tidelog_v1_DescribeLogDirsResponse, DescribeLogDirsResponse__Output as _tidelog_v1_DescribeLogDirsResponse__Output } from '../../tidelog/v1/DescribeLogDirsResponse.js';
import type { DescribeTopicsRequest as _tidelog_v1_DescribeTopicsRequest, DescribeTopicsRequest__Output as _tidelog_v1_DescribeTopicsRequest__Output } from '../../tidelog/v1/DescribeTopicsRequest.js';
import type { DescribeTopicsResponse as _tidelog_v1_DescribeTopicsResponse, DescribeTopicsResponse__Output as _tidelog_v1_DescribeTopicsResponse__Output } from '../../tidelog/v1/DescribeTopicsResponse.js';
import type { DescribeUserScramCredentialsRequest as _tidelog_v1_DescribeUserScramCredentialsRequest, DescribeUserScramCredentialsRequest__Output as _tidelog_v1_DescribeUserScramCredentialsRequest__Output } from '../../tidelog/v1/DescribeUserScramCredentialsRequest.js';
import type { DescribeUserScramCredentialsResponse as _tidelog_v1_DescribeUserScramCredentialsResponse, DescribeUserScramCredentialsResponse__Output as _tidelog_v1_DescribeUserScramCredentialsResponse__Output } from '../../tidelog/v1/DescribeUserScramCredentialsResponse.js';
import type { ElectLeadersRequest as _tidelog_v1_ElectLeadersRequest, ElectLeadersRequest__Output as _tidelog_v1_ElectLeadersRequest__Output } from '../../tidelog/v1/ElectLeadersRequest.js';
import type { ElectLeadersResponse as _tidelog_v1_ElectLeadersResponse, ElectLeadersResponse__Output as _tidelog_v1_ElectLeadersResponse__Output } from '../../tidelog/v1/ElectLeadersResponse.js';
import type { ListPartitionReassignmentsRequest as _tidelog_v1_ListPartitionReassignmentsRequest, ListPartitionReassignmentsRequest__Output as _tidelog_v1_ListPartitionReassignmentsRequest__Output } from '../../tidelog/v1/ListPartitionReassignmentsRequest.js';
import type { ListPartitionReassignmentsResponse as _tidelog_v1_ListPartitionReassignmentsResponse, ListPartitionReassignmentsResponse__Output as _tidelog_v1_ListPartitionReassignmentsResponse__Output } from '../../tidelog/v1/ListPartitionReassignmentsResponse.js';
import type { ListTopicsRequest as _tidelog_v1_ListTopicsRequest, ListTopicsRequest__Output as _tidelog_v1_ListTopicsRequest__Output } from '../../tidelog/v1/ListTopicsRequest.js';
import type { ListTopicsResponse as _tidelog_v1_ListTopicsResponse, ListTopicsResponse__Output as _tidelog_v1_ListTopicsResponse__Output } from '../../tidelog/v1/ListTopicsResponse.js';

export interface AdminClient extends grpc.Client {
  AlterClientQuotas(argument: _tidelog_v1_AlterClientQuotasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AlterClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  AlterClientQuotas(argument: _tidelog_v1_AlterClientQuotasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_AlterClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  AlterClientQuotas(argument: _tidelog_v1_AlterClientQuotasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AlterClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  AlterClientQuotas(argument: _tidelog_v1_AlterClientQuotasRequest, callback: grpc.requestCallback<_tidelog_v1_AlterClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  alterClientQuotas(argument: _tidelog_v1_AlterClientQuotasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AlterClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  alterClientQuotas(argument: _tidelog_v1_AlterClientQuotasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_AlterClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  alterClientQuotas(argument: _tidelog_v1_AlterClientQuotasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AlterClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  alterClientQuotas(argument: _tidelog_v1_AlterClientQuotasRequest, callback: grpc.requestCallback<_tidelog_v1_AlterClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  
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
  
  /**
   * SCRAM credentials (Kafka's AlterUserScramCredentials and DescribeUserScramCredentials,
   * KIP-554): the client sends a salted password, never the password; brokers store the
   * salt, iterations, StoredKey and ServerKey in etcd.
   */
  AlterUserScramCredentials(argument: _tidelog_v1_AlterUserScramCredentialsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AlterUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  AlterUserScramCredentials(argument: _tidelog_v1_AlterUserScramCredentialsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_AlterUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  AlterUserScramCredentials(argument: _tidelog_v1_AlterUserScramCredentialsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AlterUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  AlterUserScramCredentials(argument: _tidelog_v1_AlterUserScramCredentialsRequest, callback: grpc.requestCallback<_tidelog_v1_AlterUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * SCRAM credentials (Kafka's AlterUserScramCredentials and DescribeUserScramCredentials,
   * KIP-554): the client sends a salted password, never the password; brokers store the
   * salt, iterations, StoredKey and ServerKey in etcd.
   */
  alterUserScramCredentials(argument: _tidelog_v1_AlterUserScramCredentialsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AlterUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  alterUserScramCredentials(argument: _tidelog_v1_AlterUserScramCredentialsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_AlterUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  alterUserScramCredentials(argument: _tidelog_v1_AlterUserScramCredentialsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AlterUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  alterUserScramCredentials(argument: _tidelog_v1_AlterUserScramCredentialsRequest, callback: grpc.requestCallback<_tidelog_v1_AlterUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * ACLs (Kafka's CreateAcls, DeleteAcls, DescribeAcls): served by any broker, written to
   * etcd directly; every broker's authorizer follows within a second.
   */
  CreateAcls(argument: _tidelog_v1_CreateAclsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_CreateAclsResponse__Output>): grpc.ClientUnaryCall;
  CreateAcls(argument: _tidelog_v1_CreateAclsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_CreateAclsResponse__Output>): grpc.ClientUnaryCall;
  CreateAcls(argument: _tidelog_v1_CreateAclsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_CreateAclsResponse__Output>): grpc.ClientUnaryCall;
  CreateAcls(argument: _tidelog_v1_CreateAclsRequest, callback: grpc.requestCallback<_tidelog_v1_CreateAclsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * ACLs (Kafka's CreateAcls, DeleteAcls, DescribeAcls): served by any broker, written to
   * etcd directly; every broker's authorizer follows within a second.
   */
  createAcls(argument: _tidelog_v1_CreateAclsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_CreateAclsResponse__Output>): grpc.ClientUnaryCall;
  createAcls(argument: _tidelog_v1_CreateAclsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_CreateAclsResponse__Output>): grpc.ClientUnaryCall;
  createAcls(argument: _tidelog_v1_CreateAclsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_CreateAclsResponse__Output>): grpc.ClientUnaryCall;
  createAcls(argument: _tidelog_v1_CreateAclsRequest, callback: grpc.requestCallback<_tidelog_v1_CreateAclsResponse__Output>): grpc.ClientUnaryCall;
  
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
  
  DeleteAcls(argument: _tidelog_v1_DeleteAclsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DeleteAclsResponse__Output>): grpc.ClientUnaryCall;
  DeleteAcls(argument: _tidelog_v1_DeleteAclsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DeleteAclsResponse__Output>): grpc.ClientUnaryCall;
  DeleteAcls(argument: _tidelog_v1_DeleteAclsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DeleteAclsResponse__Output>): grpc.ClientUnaryCall;
  DeleteAcls(argument: _tidelog_v1_DeleteAclsRequest, callback: grpc.requestCallback<_tidelog_v1_DeleteAclsResponse__Output>): grpc.ClientUnaryCall;
  deleteAcls(argument: _tidelog_v1_DeleteAclsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DeleteAclsResponse__Output>): grpc.ClientUnaryCall;
  deleteAcls(argument: _tidelog_v1_DeleteAclsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DeleteAclsResponse__Output>): grpc.ClientUnaryCall;
  deleteAcls(argument: _tidelog_v1_DeleteAclsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DeleteAclsResponse__Output>): grpc.ClientUnaryCall;
  deleteAcls(argument: _tidelog_v1_DeleteAclsRequest, callback: grpc.requestCallback<_tidelog_v1_DeleteAclsResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteTopics(argument: _tidelog_v1_DeleteTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopics(argument: _tidelog_v1_DeleteTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopics(argument: _tidelog_v1_DeleteTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopics(argument: _tidelog_v1_DeleteTopicsRequest, callback: grpc.requestCallback<_tidelog_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  deleteTopics(argument: _tidelog_v1_DeleteTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  deleteTopics(argument: _tidelog_v1_DeleteTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  deleteTopics(argument: _tidelog_v1_DeleteTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  deleteTopics(argument: _tidelog_v1_DeleteTopicsRequest, callback: grpc.requestCallback<_tidelog_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  
  DescribeAcls(argument: _tidelog_v1_DescribeAclsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeAclsResponse__Output>): grpc.ClientUnaryCall;
  DescribeAcls(argument: _tidelog_v1_DescribeAclsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DescribeAclsResponse__Output>): grpc.ClientUnaryCall;
  DescribeAcls(argument: _tidelog_v1_DescribeAclsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeAclsResponse__Output>): grpc.ClientUnaryCall;
  DescribeAcls(argument: _tidelog_v1_DescribeAclsRequest, callback: grpc.requestCallback<_tidelog_v1_DescribeAclsResponse__Output>): grpc.ClientUnaryCall;
  describeAcls(argument: _tidelog_v1_DescribeAclsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeAclsResponse__Output>): grpc.ClientUnaryCall;
  describeAcls(argument: _tidelog_v1_DescribeAclsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DescribeAclsResponse__Output>): grpc.ClientUnaryCall;
  describeAcls(argument: _tidelog_v1_DescribeAclsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeAclsResponse__Output>): grpc.ClientUnaryCall;
  describeAcls(argument: _tidelog_v1_DescribeAclsRequest, callback: grpc.requestCallback<_tidelog_v1_DescribeAclsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Client quotas (Kafka's DescribeClientQuotas and AlterClientQuotas, KIP-546): served by
   * any broker, written to etcd directly; every broker enforces a change within a second.
   */
  DescribeClientQuotas(argument: _tidelog_v1_DescribeClientQuotasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  DescribeClientQuotas(argument: _tidelog_v1_DescribeClientQuotasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DescribeClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  DescribeClientQuotas(argument: _tidelog_v1_DescribeClientQuotasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  DescribeClientQuotas(argument: _tidelog_v1_DescribeClientQuotasRequest, callback: grpc.requestCallback<_tidelog_v1_DescribeClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Client quotas (Kafka's DescribeClientQuotas and AlterClientQuotas, KIP-546): served by
   * any broker, written to etcd directly; every broker enforces a change within a second.
   */
  describeClientQuotas(argument: _tidelog_v1_DescribeClientQuotasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  describeClientQuotas(argument: _tidelog_v1_DescribeClientQuotasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DescribeClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  describeClientQuotas(argument: _tidelog_v1_DescribeClientQuotasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  describeClientQuotas(argument: _tidelog_v1_DescribeClientQuotasRequest, callback: grpc.requestCallback<_tidelog_v1_DescribeClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  
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
  
  DescribeUserScramCredentials(argument: _tidelog_v1_DescribeUserScramCredentialsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  DescribeUserScramCredentials(argument: _tidelog_v1_DescribeUserScramCredentialsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DescribeUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  DescribeUserScramCredentials(argument: _tidelog_v1_DescribeUserScramCredentialsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  DescribeUserScramCredentials(argument: _tidelog_v1_DescribeUserScramCredentialsRequest, callback: grpc.requestCallback<_tidelog_v1_DescribeUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  describeUserScramCredentials(argument: _tidelog_v1_DescribeUserScramCredentialsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  describeUserScramCredentials(argument: _tidelog_v1_DescribeUserScramCredentialsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DescribeUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  describeUserScramCredentials(argument: _tidelog_v1_DescribeUserScramCredentialsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  describeUserScramCredentials(argument: _tidelog_v1_DescribeUserScramCredentialsRequest, callback: grpc.requestCallback<_tidelog_v1_DescribeUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  
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
  AlterClientQuotas: grpc.handleUnaryCall<_tidelog_v1_AlterClientQuotasRequest__Output, _tidelog_v1_AlterClientQuotasResponse>;
  
  AlterConfigs: grpc.handleUnaryCall<_tidelog_v1_AlterConfigsRequest__Output, _tidelog_v1_AlterConfigsResponse>;
  
  /**
   * Moves partitions to new replica lists, or cancels such moves (Kafka's
   * AlterPartitionReassignments): served by the controller.
   */
  AlterPartitionReassignments: grpc.handleUnaryCall<_tidelog_v1_AlterPartitionReassignmentsRequest__Output, _tidelog_v1_AlterPartitionReassignmentsResponse>;
  
  /**
   * SCRAM credentials (Kafka's AlterUserScramCredentials and DescribeUserScramCredentials,
   * KIP-554): the client sends a salted password, never the password; brokers store the
   * salt, iterations, StoredKey and ServerKey in etcd.
   */
  AlterUserScramCredentials: grpc.handleUnaryCall<_tidelog_v1_AlterUserScramCredentialsRequest__Output, _tidelog_v1_AlterUserScramCredentialsResponse>;
  
  /**
   * ACLs (Kafka's CreateAcls, DeleteAcls, DescribeAcls): served by any broker, written to
   * etcd directly; every broker's authorizer follows within a second.
   */
  CreateAcls: grpc.handleUnaryCall<_tidelog_v1_CreateAclsRequest__Output, _tidelog_v1_CreateAclsResponse>;
  
  CreatePartitions: grpc.handleUnaryCall<_tidelog_v1_CreatePartitionsRequest__Output, _tidelog_v1_CreatePartitionsResponse>;
  
  CreateTopics: grpc.handleUnaryCall<_tidelog_v1_CreateTopicsRequest__Output, _tidelog_v1_CreateTopicsResponse>;
  
  DeleteAcls: grpc.handleUnaryCall<_tidelog_v1_DeleteAclsRequest__Output, _tidelog_v1_DeleteAclsResponse>;
  
  DeleteTopics: grpc.handleUnaryCall<_tidelog_v1_DeleteTopicsRequest__Output, _tidelog_v1_DeleteTopicsResponse>;
  
  DescribeAcls: grpc.handleUnaryCall<_tidelog_v1_DescribeAclsRequest__Output, _tidelog_v1_DescribeAclsResponse>;
  
  /**
   * Client quotas (Kafka's DescribeClientQuotas and AlterClientQuotas, KIP-546): served by
   * any broker, written to etcd directly; every broker enforces a change within a second.
   */
  DescribeClientQuotas: grpc.handleUnaryCall<_tidelog_v1_DescribeClientQuotasRequest__Output, _tidelog_v1_DescribeClientQuotasResponse>;
  
  DescribeCluster: grpc.handleUnaryCall<_tidelog_v1_DescribeClusterRequest__Output, _tidelog_v1_DescribeClusterResponse>;
  
  DescribeConfigs: grpc.handleUnaryCall<_tidelog_v1_DescribeConfigsRequest__Output, _tidelog_v1_DescribeConfigsResponse>;
  
  /**
   * The logs the answering broker holds (Kafka's DescribeLogDirs): ask each broker.
   */
  DescribeLogDirs: grpc.handleUnaryCall<_tidelog_v1_DescribeLogDirsRequest__Output, _tidelog_v1_DescribeLogDirsResponse>;
  
  DescribeTopics: grpc.handleUnaryCall<_tidelog_v1_DescribeTopicsRequest__Output, _tidelog_v1_DescribeTopicsResponse>;
  
  DescribeUserScramCredentials: grpc.handleUnaryCall<_tidelog_v1_DescribeUserScramCredentialsRequest__Output, _tidelog_v1_DescribeUserScramCredentialsResponse>;
  
  ElectLeaders: grpc.handleUnaryCall<_tidelog_v1_ElectLeadersRequest__Output, _tidelog_v1_ElectLeadersResponse>;
  
  /**
   * The moves in progress and the reassignment throttle: served by any broker.
   */
  ListPartitionReassignments: grpc.handleUnaryCall<_tidelog_v1_ListPartitionReassignmentsRequest__Output, _tidelog_v1_ListPartitionReassignmentsResponse>;
  
  ListTopics: grpc.handleUnaryCall<_tidelog_v1_ListTopicsRequest__Output, _tidelog_v1_ListTopicsResponse>;
  
}

export interface AdminDefinition extends grpc.ServiceDefinition {
  AlterClientQuotas: MethodDefinition<_tidelog_v1_AlterClientQuotasRequest, _tidelog_v1_AlterClientQuotasResponse, _tidelog_v1_AlterClientQuotasRequest__Output, _tidelog_v1_AlterClientQuotasResponse__Output>
  AlterConfigs: MethodDefinition<_tidelog_v1_AlterConfigsRequest, _tidelog_v1_AlterConfigsResponse, _tidelog_v1_AlterConfigsRequest__Output, _tidelog_v1_AlterConfigsResponse__Output>
  AlterPartitionReassignments: MethodDefinition<_tidelog_v1_AlterPartitionReassignmentsRequest, _tidelog_v1_AlterPartitionReassignmentsResponse, _tidelog_v1_AlterPartitionReassignmentsRequest__Output, _tidelog_v1_AlterPartitionReassignmentsResponse__Output>
  AlterUserScramCredentials: MethodDefinition<_tidelog_v1_AlterUserScramCredentialsRequest, _tidelog_v1_AlterUserScramCredentialsResponse, _tidelog_v1_AlterUserScramCredentialsRequest__Output, _tidelog_v1_AlterUserScramCredentialsResponse__Output>
  CreateAcls: MethodDefinition<_tidelog_v1_CreateAclsRequest, _tidelog_v1_CreateAclsResponse, _tidelog_v1_CreateAclsRequest__Output, _tidelog_v1_CreateAclsResponse__Output>
  CreatePartitions: MethodDefinition<_tidelog_v1_CreatePartitionsRequest, _tidelog_v1_CreatePartitionsResponse, _tidelog_v1_CreatePartitionsRequest__Output, _tidelog_v1_CreatePartitionsResponse__Output>
  CreateTopics: MethodDefinition<_tidelog_v1_CreateTopicsRequest, _tidelog_v1_CreateTopicsResponse, _tidelog_v1_CreateTopicsRequest__Output, _tidelog_v1_CreateTopicsResponse__Output>
  DeleteAcls: MethodDefinition<_tidelog_v1_DeleteAclsRequest, _tidelog_v1_DeleteAclsResponse, _tidelog_v1_DeleteAclsRequest__Output, _tidelog_v1_DeleteAclsResponse__Output>
  DeleteTopics: MethodDefinition<_tidelog_v1_DeleteTopicsRequest, _tidelog_v1_DeleteTopicsResponse, _tidelog_v1_DeleteTopicsRequest__Output, _tidelog_v1_DeleteTopicsResponse__Output>
  DescribeAcls: MethodDefinition<_tidelog_v1_DescribeAclsRequest, _tidelog_v1_DescribeAclsResponse, _tidelog_v1_DescribeAclsRequest__Output, _tidelog_v1_DescribeAclsResponse__Output>
  DescribeClientQuotas: MethodDefinition<_tidelog_v1_DescribeClientQuotasRequest, _tidelog_v1_DescribeClientQuotasResponse, _tidelog_v1_DescribeClientQuotasRequest__Output, _tidelog_v1_DescribeClientQuotasResponse__Output>
  DescribeCluster: MethodDefinition<_tidelog_v1_DescribeClusterRequest, _tidelog_v1_DescribeClusterResponse, _tidelog_v1_DescribeClusterRequest__Output, _tidelog_v1_DescribeClusterResponse__Output>
  DescribeConfigs: MethodDefinition<_tidelog_v1_DescribeConfigsRequest, _tidelog_v1_DescribeConfigsResponse, _tidelog_v1_DescribeConfigsRequest__Output, _tidelog_v1_DescribeConfigsResponse__Output>
  DescribeLogDirs: MethodDefinition<_tidelog_v1_DescribeLogDirsRequest, _tidelog_v1_DescribeLogDirsResponse, _tidelog_v1_DescribeLogDirsRequest__Output, _tidelog_v1_DescribeLogDirsResponse__Output>
  DescribeTopics: MethodDefinition<_tidelog_v1_DescribeTopicsRequest, _tidelog_v1_DescribeTopicsResponse, _tidelog_v1_DescribeTopicsRequest__Output, _tidelog_v1_DescribeTopicsResponse__Output>
  DescribeUserScramCredentials: MethodDefinition<_tidelog_v1_DescribeUserScramCredentialsRequest, _tidelog_v1_DescribeUserScramCredentialsResponse, _tidelog_v1_DescribeUserScramCredentialsRequest__Output, _tidelog_v1_DescribeUserScramCredentialsResponse__Output>
  ElectLeaders: MethodDefinition<_tidelog_v1_ElectLeadersRequest, _tidelog_v1_ElectLeadersResponse, _tidelog_v1_ElectLeadersRequest__Output, _tidelog_v1_ElectLeadersResponse__Output>
  ListPartitionReassignments: MethodDefinition<_tidelog_v1_ListPartitionReassignmentsRequest, _tidelog_v1_ListPartitionReassignmentsResponse, _tidelog_v1_ListPartitionReassignmentsRequest__Output, _tidelog_v1_ListPartitionReassignmentsResponse__Output>
  ListTopics: MethodDefinition<_tidelog_v1_ListTopicsRequest, _tidelog_v1_ListTopicsResponse, _tidelog_v1_ListTopicsRequest__Output, _tidelog_v1_ListTopicsResponse__Output>
}
