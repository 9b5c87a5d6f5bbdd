import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { BrokerInfo as _tidelog_v1_BrokerInfo, BrokerInfo__Output as _tidelog_v1_BrokerInfo__Output } from './tidelog/v1/BrokerInfo.js';
import type { DeleteGroupResult as _tidelog_v1_DeleteGroupResult, DeleteGroupResult__Output as _tidelog_v1_DeleteGroupResult__Output } from './tidelog/v1/DeleteGroupResult.js';
import type { DeleteGroupsRequest as _tidelog_v1_DeleteGroupsRequest, DeleteGroupsRequest__Output as _tidelog_v1_DeleteGroupsRequest__Output } from './tidelog/v1/DeleteGroupsRequest.js';
import type { DeleteGroupsResponse as _tidelog_v1_DeleteGroupsResponse, DeleteGroupsResponse__Output as _tidelog_v1_DeleteGroupsResponse__Output } from './tidelog/v1/DeleteGroupsResponse.js';
import type { DescribeGroupsRequest as _tidelog_v1_DescribeGroupsRequest, DescribeGroupsRequest__Output as _tidelog_v1_DescribeGroupsRequest__Output } from './tidelog/v1/DescribeGroupsRequest.js';
import type { DescribeGroupsResponse as _tidelog_v1_DescribeGroupsResponse, DescribeGroupsResponse__Output as _tidelog_v1_DescribeGroupsResponse__Output } from './tidelog/v1/DescribeGroupsResponse.js';
import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from './tidelog/v1/ErrorInfo.js';
import type { FindCoordinatorRequest as _tidelog_v1_FindCoordinatorRequest, FindCoordinatorRequest__Output as _tidelog_v1_FindCoordinatorRequest__Output } from './tidelog/v1/FindCoordinatorRequest.js';
import type { FindCoordinatorResponse as _tidelog_v1_FindCoordinatorResponse, FindCoordinatorResponse__Output as _tidelog_v1_FindCoordinatorResponse__Output } from './tidelog/v1/FindCoordinatorResponse.js';
import type { GroupClient as _tidelog_v1_GroupClient, GroupDefinition as _tidelog_v1_GroupDefinition } from './tidelog/v1/Group.js';
import type { GroupDescription as _tidelog_v1_GroupDescription, GroupDescription__Output as _tidelog_v1_GroupDescription__Output } from './tidelog/v1/GroupDescription.js';
import type { GroupHeartbeatRequest as _tidelog_v1_GroupHeartbeatRequest, GroupHeartbeatRequest__Output as _tidelog_v1_GroupHeartbeatRequest__Output } from './tidelog/v1/GroupHeartbeatRequest.js';
import type { GroupHeartbeatResponse as _tidelog_v1_GroupHeartbeatResponse, GroupHeartbeatResponse__Output as _tidelog_v1_GroupHeartbeatResponse__Output } from './tidelog/v1/GroupHeartbeatResponse.js';
import type { GroupMemberDescription as _tidelog_v1_GroupMemberDescription, GroupMemberDescription__Output as _tidelog_v1_GroupMemberDescription__Output } from './tidelog/v1/GroupMemberDescription.js';
import type { GroupTopicPartitions as _tidelog_v1_GroupTopicPartitions, GroupTopicPartitions__Output as _tidelog_v1_GroupTopicPartitions__Output } from './tidelog/v1/GroupTopicPartitions.js';
import type { ListGroupsRequest as _tidelog_v1_ListGroupsRequest, ListGroupsRequest__Output as _tidelog_v1_ListGroupsRequest__Output } from './tidelog/v1/ListGroupsRequest.js';
import type { ListGroupsResponse as _tidelog_v1_ListGroupsResponse, ListGroupsResponse__Output as _tidelog_v1_ListGroupsResponse__Output } from './tidelog/v1/ListGroupsResponse.js';
import type { ListedGroup as _tidelog_v1_ListedGroup, ListedGroup__Output as _tidelog_v1_ListedGroup__Output } from './tidelog/v1/ListedGroup.js';
import type { OffsetCommitPartition as _tidelog_v1_OffsetCommitPartition, OffsetCommitPartition__Output as _tidelog_v1_OffsetCommitPartition__Output } from './tidelog/v1/OffsetCommitPartition.js';
import type { OffsetCommitPartitionResult as _tidelog_v1_OffsetCommitPartitionResult, OffsetCommitPartitionResult__Output as _tidelog_v1_OffsetCommitPartitionResult__Output } from './tidelog/v1/OffsetCommitPartitionResult.js';
import type { OffsetCommitRequest as _tidelog_v1_OffsetCommitRequest, OffsetCommitRequest__Output as _tidelog_v1_OffsetCommitRequest__Output } from './tidelog/v1/OffsetCommitRequest.js';
import type { OffsetCommitResponse as _tidelog_v1_OffsetCommitResponse, OffsetCommitResponse__Output as _tidelog_v1_OffsetCommitResponse__Output } from './tidelog/v1/OffsetCommitResponse.js';
import type { OffsetCommitTopic as _tidelog_v1_OffsetCommitTopic, OffsetCommitTopic__Output as _tidelog_v1_OffsetCommitTopic__Output } from './tidelog/v1/OffsetCommitTopic.js';
import type { OffsetCommitTopicResult as _tidelog_v1_OffsetCommitTopicResult, OffsetCommitTopicResult__Output as _tidelog_v1_OffsetCommitTopicResult__Output } from './tidelog/v1/OffsetCommitTopicResult.js';
import type { OffsetFetchPartition as _tidelog_v1_OffsetFetchPartition, OffsetFetchPartition__Output as _tidelog_v1_OffsetFetchPartition__Output } from './tidelog/v1/OffsetFetchPartition.js';
import type { OffsetFetchRequest as _tidelog_v1_OffsetFetchRequest, OffsetFetchRequest__Output as _tidelog_v1_OffsetFetchRequest__Output } from './tidelog/v1/OffsetFetchRequest.js';
import type { OffsetFetchResponse as _tidelog_v1_OffsetFetchResponse, OffsetFetchResponse__Output as _tidelog_v1_OffsetFetchResponse__Output } from './tidelog/v1/OffsetFetchResponse.js';
import type { OffsetFetchTopic as _tidelog_v1_OffsetFetchTopic, OffsetFetchTopic__Output as _tidelog_v1_OffsetFetchTopic__Output } from './tidelog/v1/OffsetFetchTopic.js';
import type { TxnOffsetCommitRequest as _tidelog_v1_TxnOffsetCommitRequest, TxnOffsetCommitRequest__Output as _tidelog_v1_TxnOffsetCommitRequest__Output } from './tidelog/v1/TxnOffsetCommitRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  tidelog: {
    v1: {
      BrokerInfo: MessageTypeDefinition<_tidelog_v1_BrokerInfo, _tidelog_v1_BrokerInfo__Output>
      DeleteGroupResult: MessageTypeDefinition<_tidelog_v1_DeleteGroupResult, _tidelog_v1_DeleteGroupResult__Output>
      DeleteGroupsRequest: MessageTypeDefinition<_tidelog_v1_DeleteGroupsRequest, _tidelog_v1_DeleteGroupsRequest__Output>
      DeleteGroupsResponse: MessageTypeDefinition<_tidelog_v1_DeleteGroupsResponse, _tidelog_v1_DeleteGroupsResponse__Output>
      DescribeGroupsRequest: MessageTypeDefinition<_tidelog_v1_DescribeGroupsRequest, _tidelog_v1_DescribeGroupsRequest__Output>
      DescribeGroupsResponse: MessageTypeDefinition<_tidelog_v1_DescribeGroupsResponse, _tidelog_v1_DescribeGroupsResponse__Output>
      ErrorInfo: MessageTypeDefinition<_tidelog_v1_ErrorInfo, _tidelog_v1_ErrorInfo__Output>
      FindCoordinatorRequest: MessageTypeDefinition<_tidelog_v1_FindCoordinatorRequest, _tidelog_v1_FindCoordinatorRequest__Output>
      FindCoordinatorResponse: MessageTypeDefinition<_tidelog_v1_FindCoordinatorResponse, _tidelog_v1_FindCoordinatorResponse__Output>
      Group: SubtypeConstructor<typeof grpc.Client, _tidelog_v1_GroupClient> & { service: _tidelog_v1_GroupDefinition }
      GroupDescription: MessageTypeDefinition<_tidelog_v1_GroupDescription, _tidelog_v1_GroupDescription__Output>
      GroupHeartbeatRequest: MessageTypeDefinition<_tidelog_v1_GroupHeartbeatRequest, _tidelog_v1_GroupHeartbeatRequest__Output>
      GroupHeartbeatResponse: MessageTypeDefinition<_tidelog_v1_GroupHeartbeatResponse, _tidelog_v1_GroupHeartbeatResponse__Output>
      GroupMemberDescription: MessageTypeDefinition<_tidelog_v1_GroupMemberDescription, _tidelog_v1_GroupMemberDescription__Output>
      GroupTopicPartitions: MessageTypeDefinition<_tidelog_v1_GroupTopicPartitions, _tidelog_v1_GroupTopicPartitions__Output>
      ListGroupsRequest: MessageTypeDefinition<_tidelog_v1_ListGroupsRequest, _tidelog_v1_ListGroupsRequest__Output>
      ListGroupsResponse: MessageTypeDefinition<_tidelog_v1_ListGroupsResponse, _tidelog_v1_ListGroupsResponse__Output>
      ListedGroup: MessageTypeDefinition<_tidelog_v1_ListedGroup, _tidelog_v1_ListedGroup__Output>
      OffsetCommitPartition: MessageTypeDefinition<_tidelog_v1_OffsetCommitPartition, _tidelog_v1_OffsetCommitPartition__Output>
      OffsetCommitPartitionResult: MessageTypeDefinition<_tidelog_v1_OffsetCommitPartitionResult, _tidelog_v1_OffsetCommitPartitionResult__Output>
      OffsetCommitRequest: MessageTypeDefinition<_tidelog_v1_OffsetCommitRequest, _tidelog_v1_OffsetCommitRequest__Output>
      OffsetCommitResponse: MessageTypeDefinition<_tidelog_v1_OffsetCommitResponse, _tidelog_v1_OffsetCommitResponse__Output>
      OffsetCommitTopic: MessageTypeDefinition<_tidelog_v1_OffsetCommitTopic, _tidelog_v1_OffsetCommitTopic__Output>
      OffsetCommitTopicResult: MessageTypeDefinition<_tidelog_v1_OffsetCommitTopicResult, _tidelog_v1_OffsetCommitTopicResult__Output>
      OffsetFetchPartition: MessageTypeDefinition<_tidelog_v1_OffsetFetchPartition, _tidelog_v1_OffsetFetchPartition__Output>
      OffsetFetchRequest: MessageTypeDefinition<_tidelog_v1_OffsetFetchRequest, _tidelog_v1_OffsetFetchRequest__Output>
      OffsetFetchResponse: MessageTypeDefinition<_tidelog_v1_OffsetFetchResponse, _tidelog_v1_OffsetFetchResponse__Output>
      OffsetFetchTopic: MessageTypeDefinition<_tidelog_v1_OffsetFetchTopic, _tidelog_v1_OffsetFetchTopic__Output>
      TxnOffsetCommitRequest: MessageTypeDefinition<_tidelog_v1_TxnOffsetCommitRequest, _tidelog_v1_TxnOffsetCommitRequest__Output>
    }
  }
}

