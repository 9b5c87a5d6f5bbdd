import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AclBinding as _tidelog_v1_AclBinding, AclBinding__Output as _tidelog_v1_AclBinding__Output } from './tidelog/v1/AclBinding.js';
import type { AclBindingFilter as _tidelog_v1_AclBindingFilter, AclBindingFilter__Output as _tidelog_v1_AclBindingFilter__Output } from './tidelog/v1/AclBindingFilter.js';
import type { AclCreationResult as _tidelog_v1_AclCreationResult, AclCreationResult__Output as _tidelog_v1_AclCreationResult__Output } from './tidelog/v1/AclCreationResult.js';
import type { AdminClient as _tidelog_v1_AdminClient, AdminDefinition as _tidelog_v1_AdminDefinition } from './tidelog/v1/Admin.js';
import type { AlterClientQuotasRequest as _tidelog_v1_AlterClientQuotasRequest, AlterClientQuotasRequest__Output as _tidelog_v1_AlterClientQuotasRequest__Output } from './tidelog/v1/AlterClientQuotasRequest.js';
import type { AlterClientQuotasResponse as _tidelog_v1_AlterClientQuotasResponse, AlterClientQuotasResponse__Output as _tidelog_v1_AlterClientQuotasResponse__Output } from './tidelog/v1/AlterClientQuotasResponse.js';
import type { AlterClientQuotasResult as _tidelog_v1_AlterClientQuotasResult, AlterClientQuotasResult__Output as _tidelog_v1_AlterClientQuotasResult__Output } from './tidelog/v1/AlterClientQuotasResult.js';
import type { AlterConfigsRequest as _tidelog_v1_AlterConfigsRequest, AlterConfigsRequest__Output as _tidelog_v1_AlterConfigsRequest__Output } from './tidelog/v1/AlterConfigsRequest.js';
import type { AlterConfigsResponse as _tidelog_v1_AlterConfigsResponse, AlterConfigsResponse__Output as _tidelog_v1_AlterConfigsResponse__Output } from './tidelog/v1/AlterConfigsResponse.js';
import type { AlterPartitionReassignmentsRequest as _tidelog_v1_AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsRequest__Output as _tidelog_v1_AlterPartitionReassignmentsRequest__Output } from './tidelog/v1/AlterPartitionReassignmentsRequest.js';
import type { AlterPartitionReassignmentsResponse as _tidelog_v1_AlterPartitionReassignmentsResponse, AlterPartitionReassignmentsResponse__Output as _tidelog_v1_AlterPartitionReassignmentsResponse__Output } from './tidelog/v1/AlterPartitionReassignmentsResponse.js';
import type { AlterUserScramCredentialsRequest as _tidelog_v1_AlterUserScramCredentialsRequest, AlterUserScramCredentialsRequest__Output as _tidelog_v1_AlterUserScramCredentialsRequest__Output } from './tidelog/v1/AlterUserScramCredentialsRequest.js';
import type { AlterUserScramCredentialsResponse as _tidelog_v1_AlterUserScramCredentialsResponse, AlterUserScramCredentialsResponse__Output as _tidelog_v1_AlterUserScramCredentialsResponse__Output } from './tidelog/v1/AlterUserScramCredentialsResponse.js';
import type { AlterUserScramCredentialsResult as _tidelog_v1_AlterUserScramCredentialsResult, AlterUserScramCredentialsResult__Output as _tidelog_v1_AlterUserScramCredentialsResult__Output } from './tidelog/v1/AlterUserScramCredentialsResult.js';
import type { BrokerInfo as _tidelog_v1_BrokerInfo, BrokerInfo__Output as _tidelog_v1_BrokerInfo__Output } from './tidelog/v1/BrokerInfo.js';
import type { ClientQuotaAlteration as _tidelog_v1_ClientQuotaAlteration, ClientQuotaAlteration__Output as _tidelog_v1_ClientQuotaAlteration__Output } from './tidelog/v1/ClientQuotaAlteration.js';
import type { ClientQuotaEntry as _tidelog_v1_ClientQuotaEntry, ClientQuotaEntry__Output as _tidelog_v1_ClientQuotaEntry__Output } from './tidelog/v1/ClientQuotaEntry.js';
import type { ConfigEntry as _tidelog_v1_ConfigEntry, ConfigEntry__Output as _tidelog_v1_ConfigEntry__Output } from './tidelog/v1/ConfigEntry.js';
import type { CreateAclsRequest as _tidelog_v1_CreateAclsRequest, CreateAclsRequest__Output as _tidelog_v1_CreateAclsRequest__Output } from './tidelog/v1/CreateAclsRequest.js';
import type { CreateAclsResponse as _tidelog_v1_CreateAclsResponse, CreateAclsResponse__Output as _tidelog_v1_CreateAclsResponse__Output } from './tidelog/v1/CreateAclsResponse.js';
import type { CreatePartitionsRequest as _tidelog_v1_CreatePartitionsRequest, CreatePartitionsRequest__Output as _tidelog_v1_CreatePartitionsRequest__Output } from './tidelog/v1/CreatePartitionsRequest.js';
import type { CreatePartitionsResponse as _tidelog_v1_CreatePartitionsResponse, CreatePartitionsResponse__Output as _tidelog_v1_CreatePartitionsResponse__Output } from './tidelog/v1/CreatePartitionsResponse.js';
import type { CreateTopicsRequest as _tidelog_v1_CreateTopicsRequest, CreateTopicsRequest__Output as _tidelog_v1_CreateTopicsRequest__Output } from './tidelog/v1/CreateTopicsRequest.js';
import type { CreateTopicsResponse as _tidelog_v1_CreateTopicsResponse, CreateTopicsResponse__Output as _tidelog_v1_CreateTopicsResponse__Output } from './tidelog/v1/CreateTopicsResponse.js';
import type { DeleteAclsFilterResult as _tidelog_v1_DeleteAclsFilterResult, DeleteAclsFilterResult__Output as _tidelog_v1_DeleteAclsFilterResult__Output } from './tidelog/v1/DeleteAclsFilterResult.js';
import type { DeleteAclsRequest as _tidelog_v1_DeleteAclsRequest, DeleteAclsRequest__Output as _tidelog_v1_DeleteAclsRequest__Output } from './tidelog/v1/DeleteAclsRequest.js';
import type { DeleteAclsResponse as _tidelog_v1_DeleteAclsResponse, DeleteAclsResponse__Output as _tidelog_v1_DeleteAclsResponse__Output } from './tidelog/v1/DeleteAclsResponse.js';
import type { DeleteTopicsRequest as _tidelog_v1_DeleteTopicsRequest, DeleteTopicsRequest__Output as _tidelog_v1_DeleteTopicsRequest__Output } from './tidelog/v1/DeleteTopicsRequest.js';
import type { DeleteTopicsResponse as _tidelog_v1_DeleteTopicsResponse, DeleteTopicsResponse__Output as _tidelog_v1_DeleteTopicsResponse__Output } from './tidelog/v1/DeleteTopicsResponse.js';
import type { DescribeAclsRequest as _tidelog_v1_DescribeAclsRequest, DescribeAclsRequest__Output as _tidelog_v1_DescribeAclsRequest__Output } from './tidelog/v1/DescribeAclsRequest.js';
import type { DescribeAclsResponse as _tidelog_v1_DescribeAclsResponse, DescribeAclsResponse__Output as _tidelog_v1_DescribeAclsResponse__Output } from './tidelog/v1/DescribeAclsResponse.js';
import type { DescribeClientQuotasRequest as _tidelog_v1_DescribeClientQuotasRequest, DescribeClientQuotasRequest__Output as _tidelog_v1_DescribeClientQuotasRequest__Output } from './tidelog/v1/DescribeClientQuotasRequest.js';
import type { DescribeClientQuotasResponse as _tidelog_v1_DescribeClientQuotasResponse, DescribeClientQuotasResponse__Output as _tidelog_v1_DescribeClientQuotasResponse__Output } from './tidelog/v1/DescribeClientQuotasResponse.js';
import type { DescribeClusterRequest as _tidelog_v1_DescribeClusterRequest, DescribeClusterRequest__Output as _tidelog_v1_DescribeClusterRequest__Output } from './tidelog/v1/DescribeClusterRequest.js';
import type { DescribeClusterResponse as _tidelog_v1_DescribeClusterResponse, DescribeClusterResponse__Output as _tidelog_v1_DescribeClusterResponse__Output } from './tidelog/v1/DescribeClusterResponse.js';
import type { DescribeConfigsRequest as _tidelog_v1_DescribeConfigsRequest, DescribeConfigsRequest__Output as _tidelog_v1_DescribeConfigsRequest__Output } from './tidelog/v1/DescribeConfigsRequest.js';
import type { DescribeConfigsResponse as _tidelog_v1_DescribeConfigsResponse, DescribeConfigsResponse__Output as _tidelog_v1_DescribeConfigsResponse__Output } from './tidelog/v1/DescribeConfigsResponse.js';
import type { DescribeLogDirsRequest as _tidelog_v1_DescribeLogDirsRequest, DescribeLogDirsRequest__Output as _tidelog_v1_DescribeLogDirsRequest__Output } from './tidelog/v1/DescribeLogDirsRequest.js';
import type { DescribeLogDirsResponse as _tidelog_v1_DescribeLogDirsResponse, DescribeLogDirsResponse__Output as _tidelog_v1_DescribeLogDirsResponse__Output } from './tidelog/v1/DescribeLogDirsResponse.js';
import type { DescribeTopicsRequest as _tidelog_v1_DescribeTopicsRequest, DescribeTopicsRequest__Output as _tidelog_v1_DescribeTopicsRequest__Output } from './tidelog/v1/DescribeTopicsRequest.js';
import type { DescribeTopicsResponse as _tidelog_v1_DescribeTopicsResponse, DescribeTopicsResponse__Output as _tidelog_v1_DescribeTopicsResponse__Output } from './tidelog/v1/DescribeTopicsResponse.js';
import type { DescribeUserScramCredentialsRequest as _tidelog_v1_DescribeUserScramCredentialsRequest, DescribeUserScramCredentialsRequest__Output as _tidelog_v1_DescribeUserScramCredentialsRequest__Output } from './tidelog/v1/DescribeUserScramCredentialsRequest.js';
import type { DescribeUserScramCredentialsResponse as _tidelog_v1_DescribeUserScramCredentialsResponse, DescribeUserScramCredentialsResponse__Output as _tidelog_v1_DescribeUserScramCredentialsResponse__Output } from './tidelog/v1/DescribeUserScramCredentialsResponse.js';
import type { ElectLeadersRequest as _tidelog_v1_ElectLeadersRequest, ElectLeadersRequest__Output as _tidelog_v1_ElectLeadersRequest__Output } from './tidelog/v1/ElectLeadersRequest.js';
import type { ElectLeadersResponse as _tidelog_v1_ElectLeadersResponse, ElectLeadersResponse__Output as _tidelog_v1_ElectLeadersResponse__Output } from './tidelog/v1/ElectLeadersResponse.js';
import type { ElectionResult as _tidelog_v1_ElectionResult, ElectionResult__Output as _tidelog_v1_ElectionResult__Output } from './tidelog/v1/ElectionResult.js';
import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from './tidelog/v1/ErrorInfo.js';
import type { ListPartitionReassignmentsRequest as _tidelog_v1_ListPartitionReassignmentsRequest, ListPartitionReassignmentsRequest__Output as _tidelog_v1_ListPartitionReassignmentsRequest__Output } from './tidelog/v1/ListPartitionReassignmentsRequest.js';
import type { ListPartitionReassignmentsResponse as _tidelog_v1_ListPartitionReassignmentsResponse, ListPartitionReassignmentsResponse__Output as _tidelog_v1_ListPartitionReassignmentsResponse__Output } from './tidelog/v1/ListPartitionReassignmentsResponse.js';
import type { ListTopicsRequest as _tidelog_v1_ListTopicsRequest, ListTopicsRequest__Output as _tidelog_v1_ListTopicsRequest__Output } from './tidelog/v1/ListTopicsRequest.js';
import type { ListTopicsResponse as _tidelog_v1_ListTopicsResponse, ListTopicsResponse__Output as _tidelog_v1_ListTopicsResponse__Output } from './tidelog/v1/ListTopicsResponse.js';
import type { NewTopic as _tidelog_v1_NewTopic, NewTopic__Output as _tidelog_v1_NewTopic__Output } from './tidelog/v1/NewTopic.js';
import type { OngoingReassignment as _tidelog_v1_OngoingReassignment, OngoingReassignment__Output as _tidelog_v1_OngoingReassignment__Output } from './tidelog/v1/OngoingReassignment.js';
import type { PartitionDescription as _tidelog_v1_PartitionDescription, PartitionDescription__Output as _tidelog_v1_PartitionDescription__Output } from './tidelog/v1/PartitionDescription.js';
import type { PartitionReassignment as _tidelog_v1_PartitionReassignment, PartitionReassignment__Output as _tidelog_v1_PartitionReassignment__Output } from './tidelog/v1/PartitionReassignment.js';
import type { PartitionsIncrease as _tidelog_v1_PartitionsIncrease, PartitionsIncrease__Output as _tidelog_v1_PartitionsIncrease__Output } from './tidelog/v1/PartitionsIncrease.js';
import type { QuotaEntityPart as _tidelog_v1_QuotaEntityPart, QuotaEntityPart__Output as _tidelog_v1_QuotaEntityPart__Output } from './tidelog/v1/QuotaEntityPart.js';
import type { QuotaFilterPart as _tidelog_v1_QuotaFilterPart, QuotaFilterPart__Output as _tidelog_v1_QuotaFilterPart__Output } from './tidelog/v1/QuotaFilterPart.js';
import type { QuotaOp as _tidelog_v1_QuotaOp, QuotaOp__Output as _tidelog_v1_QuotaOp__Output } from './tidelog/v1/QuotaOp.js';
import type { QuotaValue as _tidelog_v1_QuotaValue, QuotaValue__Output as _tidelog_v1_QuotaValue__Output } from './tidelog/v1/QuotaValue.js';
import type { ReassignmentResult as _tidelog_v1_ReassignmentResult, ReassignmentResult__Output as _tidelog_v1_ReassignmentResult__Output } from './tidelog/v1/ReassignmentResult.js';
import type { ReplicaAssignment as _tidelog_v1_ReplicaAssignment, ReplicaAssignment__Output as _tidelog_v1_ReplicaAssignment__Output } from './tidelog/v1/ReplicaAssignment.js';
import type { ReplicaLogInfo as _tidelog_v1_ReplicaLogInfo, ReplicaLogInfo__Output as _tidelog_v1_ReplicaLogInfo__Output } from './tidelog/v1/ReplicaLogInfo.js';
import type { ScramCredentialDeletion as _tidelog_v1_ScramCredentialDeletion, ScramCredentialDeletion__Output as _tidelog_v1_ScramCredentialDeletion__Output } from './tidelog/v1/ScramCredentialDeletion.js';
import type { ScramCredentialInfo as _tidelog_v1_ScramCredentialInfo, ScramCredentialInfo__Output as _tidelog_v1_ScramCredentialInfo__Output } from './tidelog/v1/ScramCredentialInfo.js';
import type { ScramCredentialUpsertion as _tidelog_v1_ScramCredentialUpsertion, ScramCredentialUpsertion__Output as _tidelog_v1_ScramCredentialUpsertion__Output } from './tidelog/v1/ScramCredentialUpsertion.js';
import type { TopicConfigAlteration as _tidelog_v1_TopicConfigAlteration, TopicConfigAlteration__Output as _tidelog_v1_TopicConfigAlteration__Output } from './tidelog/v1/TopicConfigAlteration.js';
import type { TopicConfigs as _tidelog_v1_TopicConfigs, TopicConfigs__Output as _tidelog_v1_TopicConfigs__Output } from './tidelog/v1/TopicConfigs.js';
import type { TopicDescription as _tidelog_v1_TopicDescription, TopicDescription__Output as _tidelog_v1_TopicDescription__Output } from './tidelog/v1/TopicDescription.js';
import type { TopicListing as _tidelog_v1_TopicListing, TopicListing__Output as _tidelog_v1_TopicListing__Output } from './tidelog/v1/TopicListing.js';
import type { TopicPartitions as _tidelog_v1_TopicPartitions, TopicPartitions__Output as _tidelog_v1_TopicPartitions__Output } from './tidelog/v1/TopicPartitions.js';
import type { TopicResult as _tidelog_v1_TopicResult, TopicResult__Output as _tidelog_v1_TopicResult__Output } from './tidelog/v1/TopicResult.js';
import type { UserScramCredentials as _tidelog_v1_UserScramCredentials, UserScramCredentials__Output as _tidelog_v1_UserScramCredentials__Output } from './tidelog/v1/UserScramCredentials.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  tidelog: {
    v1: {
      AclBinding: MessageTypeDefinition<_tidelog_v1_AclBinding, _tidelog_v1_AclBinding__Output>
      AclBindingFilter: MessageTypeDefinition<_tidelog_v1_AclBindingFilter, _tidelog_v1_AclBindingFilter__Output>
      AclCreationResult: MessageTypeDefinition<_tidelog_v1_AclCreationResult, _tidelog_v1_AclCreationResult__Output>
      Admin: SubtypeConstructor<typeof grpc.Client, _tidelog_v1_AdminClient> & { service: _tidelog_v1_AdminDefinition }
      AlterClientQuotasRequest: MessageTypeDefinition<_tidelog_v1_AlterClientQuotasRequest, _tidelog_v1_AlterClientQuotasRequest__Output>
      AlterClientQuotasResponse: MessageTypeDefinition<_tidelog_v1_AlterClientQuotasResponse, _tidelog_v1_AlterClientQuotasResponse__Output>
      AlterClientQuotasResult: MessageTypeDefinition<_tidelog_v1_AlterClientQuotasResult, _tidelog_v1_AlterClientQuotasResult__Output>
      AlterConfigsRequest: MessageTypeDefinition<_tidelog_v1_AlterConfigsRequest, _tidelog_v1_AlterConfigsRequest__Output>
      AlterConfigsResponse: MessageTypeDefinition<_tidelog_v1_AlterConfigsResponse, _tidelog_v1_AlterConfigsResponse__Output>
      AlterPartitionReassignmentsRequest: MessageTypeDefinition<_tidelog_v1_AlterPartitionReassignmentsRequest, _tidelog_v1_AlterPartitionReassignmentsRequest__Output>
      AlterPartitionReassignmentsResponse: MessageTypeDefinition<_tidelog_v1_AlterPartitionReassignmentsResponse, _tidelog_v1_AlterPartitionReassignmentsResponse__Output>
      AlterUserScramCredentialsRequest: MessageTypeDefinition<_tidelog_v1_AlterUserScramCredentialsRequest, _tidelog_v1_AlterUserScramCredentialsRequest__Output>
      AlterUserScramCredentialsResponse: MessageTypeDefinition<_tidelog_v1_AlterUserScramCredentialsResponse, _tidelog_v1_AlterUserScramCredentialsResponse__Output>
      AlterUserScramCredentialsResult: MessageTypeDefinition<_tidelog_v1_AlterUserScramCredentialsResult, _tidelog_v1_AlterUserScramCredentialsResult__Output>
      BrokerInfo: MessageTypeDefinition<_tidelog_v1_BrokerInfo, _tidelog_v1_BrokerInfo__Output>
      ClientQuotaAlteration: MessageTypeDefinition<_tidelog_v1_ClientQuotaAlteration, _tidelog_v1_ClientQuotaAlteration__Output>
      ClientQuotaEntry: MessageTypeDefinition<_tidelog_v1_ClientQuotaEntry, _tidelog_v1_ClientQuotaEntry__Output>
      ConfigEntry: MessageTypeDefinition<_tidelog_v1_ConfigEntry, _tidelog_v1_ConfigEntry__Output>
      CreateAclsRequest: MessageTypeDefinition<_tidelog_v1_CreateAclsRequest, _tidelog_v1_CreateAclsRequest__Output>
      CreateAclsResponse: MessageTypeDefinition<_tidelog_v1_CreateAclsResponse, _tidelog_v1_CreateAclsResponse__Output>
      CreatePartitionsRequest: MessageTypeDefinition<_tidelog_v1_CreatePartitionsRequest, _tidelog_v1_CreatePartitionsRequest__Output>
      CreatePartitionsResponse: MessageTypeDefinition<_tidelog_v1_CreatePartitionsResponse, _tidelog_v1_CreatePartitionsResponse__Output>
      CreateTopicsRequest: MessageTypeDefinition<_tidelog_v1_CreateTopicsRequest, _tidelog_v1_CreateTopicsRequest__Output>
      CreateTopicsResponse: MessageTypeDefinition<_tidelog_v1_CreateTopicsResponse, _tidelog_v1_CreateTopicsResponse__Output>
      DeleteAclsFilterResult: MessageTypeDefinition<_tidelog_v1_DeleteAclsFilterResult, _tidelog_v1_DeleteAclsFilterResult__Output>
      DeleteAclsRequest: MessageTypeDefinition<_tidelog_v1_DeleteAclsRequest, _tidelog_v1_DeleteAclsRequest__Output>
      DeleteAclsResponse: MessageTypeDefinition<_tidelog_v1_DeleteAclsResponse, _tidelog_v1_DeleteAclsResponse__Output>
      DeleteTopicsRequest: MessageTypeDefinition<_tidelog_v1_DeleteTopicsRequest, _tidelog_v1_DeleteTopicsRequest__Output>
      DeleteTopicsResponse: MessageTypeDefinition<_tidelog_v1_DeleteTopicsResponse, _tidelog_v1_DeleteTopicsResponse__Output>
      DescribeAclsRequest: MessageTypeDefinition<_tidelog_v1_DescribeAclsRequest, _tidelog_v1_DescribeAclsRequest__Output>
      DescribeAclsResponse: MessageTypeDefinition<_tidelog_v1_DescribeAclsResponse, _tidelog_v1_DescribeAclsResponse__Output>
      DescribeClientQuotasRequest: MessageTypeDefinition<_tidelog_v1_DescribeClientQuotasRequest, _tidelog_v1_DescribeClientQuotasRequest__Output>
      DescribeClientQuotasResponse: MessageTypeDefinition<_tidelog_v1_DescribeClientQuotasResponse, _tidelog_v1_DescribeClientQuotasResponse__Output>
      DescribeClusterRequest: MessageTypeDefinition<_tidelog_v1_DescribeClusterRequest, _tidelog_v1_DescribeClusterRequest__Output>
      DescribeClusterResponse: MessageTypeDefinition<_tidelog_v1_DescribeClusterResponse, _tidelog_v1_DescribeClusterResponse__Output>
      DescribeConfigsRequest: MessageTypeDefinition<_tidelog_v1_DescribeConfigsRequest, _tidelog_v1_DescribeConfigsRequest__Output>
      DescribeConfigsResponse: MessageTypeDefinition<_tidelog_v1_DescribeConfigsResponse, _tidelog_v1_DescribeConfigsResponse__Output>
      DescribeLogDirsRequest: MessageTypeDefinition<_tidelog_v1_DescribeLogDirsRequest, _tidelog_v1_DescribeLogDirsRequest__Output>
      DescribeLogDirsResponse: MessageTypeDefinition<_tidelog_v1_DescribeLogDirsResponse, _tidelog_v1_DescribeLogDirsResponse__Output>
      DescribeTopicsRequest: MessageTypeDefinition<_tidelog_v1_DescribeTopicsRequest, _tidelog_v1_DescribeTopicsRequest__Output>
      DescribeTopicsResponse: MessageTypeDefinition<_tidelog_v1_DescribeTopicsResponse, _tidelog_v1_DescribeTopicsResponse__Output>
      DescribeUserScramCredentialsRequest: MessageTypeDefinition<_tidelog_v1_DescribeUserScramCredentialsRequest, _tidelog_v1_DescribeUserScramCredentialsRequest__Output>
      DescribeUserScramCredentialsResponse: MessageTypeDefinition<_tidelog_v1_DescribeUserScramCredentialsResponse, _tidelog_v1_DescribeUserScramCredentialsResponse__Output>
      ElectLeadersRequest: MessageTypeDefinition<_tidelog_v1_ElectLeadersRequest, _tidelog_v1_ElectLeadersRequest__Output>
      ElectLeadersResponse: MessageTypeDefinition<_tidelog_v1_ElectLeadersResponse, _tidelog_v1_ElectLeadersResponse__Output>
      ElectionResult: MessageTypeDefinition<_tidelog_v1_ElectionResult, _tidelog_v1_ElectionResult__Output>
      ErrorInfo: MessageTypeDefinition<_tidelog_v1_ErrorInfo, _tidelog_v1_ErrorInfo__Output>
      ListPartitionReassignmentsRequest: MessageTypeDefinition<_tidelog_v1_ListPartitionReassignmentsRequest, _tidelog_v1_ListPartitionReassignmentsRequest__Output>
      ListPartitionReassignmentsResponse: MessageTypeDefinition<_tidelog_v1_ListPartitionReassignmentsResponse, _tidelog_v1_ListPartitionReassignmentsResponse__Output>
      ListTopicsRequest: MessageTypeDefinition<_tidelog_v1_ListTopicsRequest, _tidelog_v1_ListTopicsRequest__Output>
      ListTopicsResponse: MessageTypeDefinition<_tidelog_v1_ListTopicsResponse, _tidelog_v1_ListTopicsResponse__Output>
      NewTopic: MessageTypeDefinition<_tidelog_v1_NewTopic, _tidelog_v1_NewTopic__Output>
      OngoingReassignment: MessageTypeDefinition<_tidelog_v1_OngoingReassignment, _tidelog_v1_OngoingReassignment__Output>
      PartitionDescription: MessageTypeDefinition<_tidelog_v1_PartitionDescription, _tidelog_v1_PartitionDescription__Output>
      PartitionReassignment: MessageTypeDefinition<_tidelog_v1_PartitionReassignment, _tidelog_v1_PartitionReassignment__Output>
      PartitionsIncrease: MessageTypeDefinition<_tidelog_v1_PartitionsIncrease, _tidelog_v1_PartitionsIncrease__Output>
      QuotaEntityPart: MessageTypeDefinition<_tidelog_v1_QuotaEntityPart, _tidelog_v1_QuotaEntityPart__Output>
      QuotaFilterPart: MessageTypeDefinition<_tidelog_v1_QuotaFilterPart, _tidelog_v1_QuotaFilterPart__Output>
      QuotaOp: MessageTypeDefinition<_tidelog_v1_QuotaOp, _tidelog_v1_QuotaOp__Output>
      QuotaValue: MessageTypeDefinition<_tidelog_v1_QuotaValue, _tidelog_v1_QuotaValue__Output>
      ReassignmentResult: MessageTypeDefinition<_tidelog_v1_ReassignmentResult, _tidelog_v1_ReassignmentResult__Output>
      ReplicaAssignment: MessageTypeDefinition<_tidelog_v1_ReplicaAssignment, _tidelog_v1_ReplicaAssignment__Output>
      ReplicaLogInfo: MessageTypeDefinition<_tidelog_v1_ReplicaLogInfo, _tidelog_v1_ReplicaLogInfo__Output>
      ScramCredentialDeletion: MessageTypeDefinition<_tidelog_v1_ScramCredentialDeletion, _tidelog_v1_ScramCredentialDeletion__Output>
      ScramCredentialInfo: MessageTypeDefinition<_tidelog_v1_ScramCredentialInfo, _tidelog_v1_ScramCredentialInfo__Output>
      ScramCredentialUpsertion: MessageTypeDefinition<_tidelog_v1_ScramCredentialUpsertion, _tidelog_v1_ScramCredentialUpsertion__Output>
      TopicConfigAlteration: MessageTypeDefinition<_tidelog_v1_TopicConfigAlteration, _tidelog_v1_TopicConfigAlteration__Output>
      TopicConfigs: MessageTypeDefinition<_tidelog_v1_TopicConfigs, _tidelog_v1_TopicConfigs__Output>
      TopicDescription: MessageTypeDefinition<_tidelog_v1_TopicDescription, _tidelog_v1_TopicDescription__Output>
      TopicListing: MessageTypeDefinition<_tidelog_v1_TopicListing, _tidelog_v1_TopicListing__Output>
      TopicPartitions: MessageTypeDefinition<_tidelog_v1_TopicPartitions, _tidelog_v1_TopicPartitions__Output>
      TopicResult: MessageTypeDefinition<_tidelog_v1_TopicResult, _tidelog_v1_TopicResult__Output>
      UserScramCredentials: MessageTypeDefinition<_tidelog_v1_UserScramCredentials, _tidelog_v1_UserScramCredentials__Output>
    }
  }
}

