import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AbortPartitionTransactionRequest as _tidelog_v1_AbortPartitionTransactionRequest, AbortPartitionTransactionRequest__Output as _tidelog_v1_AbortPartitionTransactionRequest__Output } from './tidelog/v1/AbortPartitionTransactionRequest.js';
import type { AbortPartitionTransactionResponse as _tidelog_v1_AbortPartitionTransactionResponse, AbortPartitionTransactionResponse__Output as _tidelog_v1_AbortPartitionTransactionResponse__Output } from './tidelog/v1/AbortPartitionTransactionResponse.js';
import type { AbortTransactionRequest as _tidelog_v1_AbortTransactionRequest, AbortTransactionRequest__Output as _tidelog_v1_AbortTransactionRequest__Output } from './tidelog/v1/AbortTransactionRequest.js';
import type { AbortTransactionResponse as _tidelog_v1_AbortTransactionResponse, AbortTransactionResponse__Output as _tidelog_v1_AbortTransactionResponse__Output } from './tidelog/v1/AbortTransactionResponse.js';
import type { AbortedTransaction as _tidelog_v1_AbortedTransaction, AbortedTransaction__Output as _tidelog_v1_AbortedTransaction__Output } from './tidelog/v1/AbortedTransaction.js';
import type { AddOffsetsToTxnRequest as _tidelog_v1_AddOffsetsToTxnRequest, AddOffsetsToTxnRequest__Output as _tidelog_v1_AddOffsetsToTxnRequest__Output } from './tidelog/v1/AddOffsetsToTxnRequest.js';
import type { AddOffsetsToTxnResponse as _tidelog_v1_AddOffsetsToTxnResponse, AddOffsetsToTxnResponse__Output as _tidelog_v1_AddOffsetsToTxnResponse__Output } from './tidelog/v1/AddOffsetsToTxnResponse.js';
import type { AddPartitionsToTxnRequest as _tidelog_v1_AddPartitionsToTxnRequest, AddPartitionsToTxnRequest__Output as _tidelog_v1_AddPartitionsToTxnRequest__Output } from './tidelog/v1/AddPartitionsToTxnRequest.js';
import type { AddPartitionsToTxnResponse as _tidelog_v1_AddPartitionsToTxnResponse, AddPartitionsToTxnResponse__Output as _tidelog_v1_AddPartitionsToTxnResponse__Output } from './tidelog/v1/AddPartitionsToTxnResponse.js';
import type { BrokerClient as _tidelog_v1_BrokerClient, BrokerDefinition as _tidelog_v1_BrokerDefinition } from './tidelog/v1/Broker.js';
import type { BrokerInfo as _tidelog_v1_BrokerInfo, BrokerInfo__Output as _tidelog_v1_BrokerInfo__Output } from './tidelog/v1/BrokerInfo.js';
import type { DeleteRecordsRequest as _tidelog_v1_DeleteRecordsRequest, DeleteRecordsRequest__Output as _tidelog_v1_DeleteRecordsRequest__Output } from './tidelog/v1/DeleteRecordsRequest.js';
import type { DeleteRecordsResponse as _tidelog_v1_DeleteRecordsResponse, DeleteRecordsResponse__Output as _tidelog_v1_DeleteRecordsResponse__Output } from './tidelog/v1/DeleteRecordsResponse.js';
import type { DescribeProducersRequest as _tidelog_v1_DescribeProducersRequest, DescribeProducersRequest__Output as _tidelog_v1_DescribeProducersRequest__Output } from './tidelog/v1/DescribeProducersRequest.js';
import type { DescribeProducersResponse as _tidelog_v1_DescribeProducersResponse, DescribeProducersResponse__Output as _tidelog_v1_DescribeProducersResponse__Output } from './tidelog/v1/DescribeProducersResponse.js';
import type { DescribeProducersTopic as _tidelog_v1_DescribeProducersTopic, DescribeProducersTopic__Output as _tidelog_v1_DescribeProducersTopic__Output } from './tidelog/v1/DescribeProducersTopic.js';
import type { DescribeReplicaLogsRequest as _tidelog_v1_DescribeReplicaLogsRequest, DescribeReplicaLogsRequest__Output as _tidelog_v1_DescribeReplicaLogsRequest__Output } from './tidelog/v1/DescribeReplicaLogsRequest.js';
import type { DescribeReplicaLogsResponse as _tidelog_v1_DescribeReplicaLogsResponse, DescribeReplicaLogsResponse__Output as _tidelog_v1_DescribeReplicaLogsResponse__Output } from './tidelog/v1/DescribeReplicaLogsResponse.js';
import type { DescribeTransactionsRequest as _tidelog_v1_DescribeTransactionsRequest, DescribeTransactionsRequest__Output as _tidelog_v1_DescribeTransactionsRequest__Output } from './tidelog/v1/DescribeTransactionsRequest.js';
import type { DescribeTransactionsResponse as _tidelog_v1_DescribeTransactionsResponse, DescribeTransactionsResponse__Output as _tidelog_v1_DescribeTransactionsResponse__Output } from './tidelog/v1/DescribeTransactionsResponse.js';
import type { EndTxnRequest as _tidelog_v1_EndTxnRequest, EndTxnRequest__Output as _tidelog_v1_EndTxnRequest__Output } from './tidelog/v1/EndTxnRequest.js';
import type { EndTxnResponse as _tidelog_v1_EndTxnResponse, EndTxnResponse__Output as _tidelog_v1_EndTxnResponse__Output } from './tidelog/v1/EndTxnResponse.js';
import type { EpochEndOffset as _tidelog_v1_EpochEndOffset, EpochEndOffset__Output as _tidelog_v1_EpochEndOffset__Output } from './tidelog/v1/EpochEndOffset.js';
import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from './tidelog/v1/ErrorInfo.js';
import type { FetchRequest as _tidelog_v1_FetchRequest, FetchRequest__Output as _tidelog_v1_FetchRequest__Output } from './tidelog/v1/FetchRequest.js';
import type { FetchResponse as _tidelog_v1_FetchResponse, FetchResponse__Output as _tidelog_v1_FetchResponse__Output } from './tidelog/v1/FetchResponse.js';
import type { FindTransactionCoordinatorRequest as _tidelog_v1_FindTransactionCoordinatorRequest, FindTransactionCoordinatorRequest__Output as _tidelog_v1_FindTransactionCoordinatorRequest__Output } from './tidelog/v1/FindTransactionCoordinatorRequest.js';
import type { FindTransactionCoordinatorResponse as _tidelog_v1_FindTransactionCoordinatorResponse, FindTransactionCoordinatorResponse__Output as _tidelog_v1_FindTransactionCoordinatorResponse__Output } from './tidelog/v1/FindTransactionCoordinatorResponse.js';
import type { InitProducerIdRequest as _tidelog_v1_InitProducerIdRequest, InitProducerIdRequest__Output as _tidelog_v1_InitProducerIdRequest__Output } from './tidelog/v1/InitProducerIdRequest.js';
import type { InitProducerIdResponse as _tidelog_v1_InitProducerIdResponse, InitProducerIdResponse__Output as _tidelog_v1_InitProducerIdResponse__Output } from './tidelog/v1/InitProducerIdResponse.js';
import type { JoinTxnPartitionRequest as _tidelog_v1_JoinTxnPartitionRequest, JoinTxnPartitionRequest__Output as _tidelog_v1_JoinTxnPartitionRequest__Output } from './tidelog/v1/JoinTxnPartitionRequest.js';
import type { JoinTxnPartitionResponse as _tidelog_v1_JoinTxnPartitionResponse, JoinTxnPartitionResponse__Output as _tidelog_v1_JoinTxnPartitionResponse__Output } from './tidelog/v1/JoinTxnPartitionResponse.js';
import type { ListOffsetsRequest as _tidelog_v1_ListOffsetsRequest, ListOffsetsRequest__Output as _tidelog_v1_ListOffsetsRequest__Output } from './tidelog/v1/ListOffsetsRequest.js';
import type { ListOffsetsResponse as _tidelog_v1_ListOffsetsResponse, ListOffsetsResponse__Output as _tidelog_v1_ListOffsetsResponse__Output } from './tidelog/v1/ListOffsetsResponse.js';
import type { ListTransactionsRequest as _tidelog_v1_ListTransactionsRequest, ListTransactionsRequest__Output as _tidelog_v1_ListTransactionsRequest__Output } from './tidelog/v1/ListTransactionsRequest.js';
import type { ListTransactionsResponse as _tidelog_v1_ListTransactionsResponse, ListTransactionsResponse__Output as _tidelog_v1_ListTransactionsResponse__Output } from './tidelog/v1/ListTransactionsResponse.js';
import type { MetadataRequest as _tidelog_v1_MetadataRequest, MetadataRequest__Output as _tidelog_v1_MetadataRequest__Output } from './tidelog/v1/MetadataRequest.js';
import type { MetadataResponse as _tidelog_v1_MetadataResponse, MetadataResponse__Output as _tidelog_v1_MetadataResponse__Output } from './tidelog/v1/MetadataResponse.js';
import type { OpenTransaction as _tidelog_v1_OpenTransaction, OpenTransaction__Output as _tidelog_v1_OpenTransaction__Output } from './tidelog/v1/OpenTransaction.js';
import type { PartitionFetchData as _tidelog_v1_PartitionFetchData, PartitionFetchData__Output as _tidelog_v1_PartitionFetchData__Output } from './tidelog/v1/PartitionFetchData.js';
import type { PartitionFetchResponse as _tidelog_v1_PartitionFetchResponse, PartitionFetchResponse__Output as _tidelog_v1_PartitionFetchResponse__Output } from './tidelog/v1/PartitionFetchResponse.js';
import type { PartitionListOffsets as _tidelog_v1_PartitionListOffsets, PartitionListOffsets__Output as _tidelog_v1_PartitionListOffsets__Output } from './tidelog/v1/PartitionListOffsets.js';
import type { PartitionListOffsetsResponse as _tidelog_v1_PartitionListOffsetsResponse, PartitionListOffsetsResponse__Output as _tidelog_v1_PartitionListOffsetsResponse__Output } from './tidelog/v1/PartitionListOffsetsResponse.js';
import type { PartitionMetadata as _tidelog_v1_PartitionMetadata, PartitionMetadata__Output as _tidelog_v1_PartitionMetadata__Output } from './tidelog/v1/PartitionMetadata.js';
import type { PartitionProduceData as _tidelog_v1_PartitionProduceData, PartitionProduceData__Output as _tidelog_v1_PartitionProduceData__Output } from './tidelog/v1/PartitionProduceData.js';
import type { PartitionProduceResponse as _tidelog_v1_PartitionProduceResponse, PartitionProduceResponse__Output as _tidelog_v1_PartitionProduceResponse__Output } from './tidelog/v1/PartitionProduceResponse.js';
import type { PartitionProducers as _tidelog_v1_PartitionProducers, PartitionProducers__Output as _tidelog_v1_PartitionProducers__Output } from './tidelog/v1/PartitionProducers.js';
import type { PeerRequest as _tidelog_v1_PeerRequest, PeerRequest__Output as _tidelog_v1_PeerRequest__Output } from './tidelog/v1/PeerRequest.js';
import type { PeerResponse as _tidelog_v1_PeerResponse, PeerResponse__Output as _tidelog_v1_PeerResponse__Output } from './tidelog/v1/PeerResponse.js';
import type { ProduceRequest as _tidelog_v1_ProduceRequest, ProduceRequest__Output as _tidelog_v1_ProduceRequest__Output } from './tidelog/v1/ProduceRequest.js';
import type { ProduceResponse as _tidelog_v1_ProduceResponse, ProduceResponse__Output as _tidelog_v1_ProduceResponse__Output } from './tidelog/v1/ProduceResponse.js';
import type { ReplicaFetchPartition as _tidelog_v1_ReplicaFetchPartition, ReplicaFetchPartition__Output as _tidelog_v1_ReplicaFetchPartition__Output } from './tidelog/v1/ReplicaFetchPartition.js';
import type { ReplicaFetchPartitionData as _tidelog_v1_ReplicaFetchPartitionData, ReplicaFetchPartitionData__Output as _tidelog_v1_ReplicaFetchPartitionData__Output } from './tidelog/v1/ReplicaFetchPartitionData.js';
import type { ReplicaFetchRequest as _tidelog_v1_ReplicaFetchRequest, ReplicaFetchRequest__Output as _tidelog_v1_ReplicaFetchRequest__Output } from './tidelog/v1/ReplicaFetchRequest.js';
import type { ReplicaFetchResponse as _tidelog_v1_ReplicaFetchResponse, ReplicaFetchResponse__Output as _tidelog_v1_ReplicaFetchResponse__Output } from './tidelog/v1/ReplicaFetchResponse.js';
import type { ReplicaLogEnd as _tidelog_v1_ReplicaLogEnd, ReplicaLogEnd__Output as _tidelog_v1_ReplicaLogEnd__Output } from './tidelog/v1/ReplicaLogEnd.js';
import type { ReplicationClient as _tidelog_v1_ReplicationClient, ReplicationDefinition as _tidelog_v1_ReplicationDefinition } from './tidelog/v1/Replication.js';
import type { SaslAuthenticateRequest as _tidelog_v1_SaslAuthenticateRequest, SaslAuthenticateRequest__Output as _tidelog_v1_SaslAuthenticateRequest__Output } from './tidelog/v1/SaslAuthenticateRequest.js';
import type { SaslAuthenticateResponse as _tidelog_v1_SaslAuthenticateResponse, SaslAuthenticateResponse__Output as _tidelog_v1_SaslAuthenticateResponse__Output } from './tidelog/v1/SaslAuthenticateResponse.js';
import type { TopicFetchData as _tidelog_v1_TopicFetchData, TopicFetchData__Output as _tidelog_v1_TopicFetchData__Output } from './tidelog/v1/TopicFetchData.js';
import type { TopicFetchResponse as _tidelog_v1_TopicFetchResponse, TopicFetchResponse__Output as _tidelog_v1_TopicFetchResponse__Output } from './tidelog/v1/TopicFetchResponse.js';
import type { TopicListOffsets as _tidelog_v1_TopicListOffsets, TopicListOffsets__Output as _tidelog_v1_TopicListOffsets__Output } from './tidelog/v1/TopicListOffsets.js';
import type { TopicListOffsetsResponse as _tidelog_v1_TopicListOffsetsResponse, TopicListOffsetsResponse__Output as _tidelog_v1_TopicListOffsetsResponse__Output } from './tidelog/v1/TopicListOffsetsResponse.js';
import type { TopicMetadata as _tidelog_v1_TopicMetadata, TopicMetadata__Output as _tidelog_v1_TopicMetadata__Output } from './tidelog/v1/TopicMetadata.js';
import type { TopicProduceData as _tidelog_v1_TopicProduceData, TopicProduceData__Output as _tidelog_v1_TopicProduceData__Output } from './tidelog/v1/TopicProduceData.js';
import type { TopicProduceResponse as _tidelog_v1_TopicProduceResponse, TopicProduceResponse__Output as _tidelog_v1_TopicProduceResponse__Output } from './tidelog/v1/TopicProduceResponse.js';
import type { TransactionClient as _tidelog_v1_TransactionClient, TransactionDefinition as _tidelog_v1_TransactionDefinition } from './tidelog/v1/Transaction.js';
import type { TransactionDescription as _tidelog_v1_TransactionDescription, TransactionDescription__Output as _tidelog_v1_TransactionDescription__Output } from './tidelog/v1/TransactionDescription.js';
import type { TransactionListing as _tidelog_v1_TransactionListing, TransactionListing__Output as _tidelog_v1_TransactionListing__Output } from './tidelog/v1/TransactionListing.js';
import type { TxnMarker as _tidelog_v1_TxnMarker, TxnMarker__Output as _tidelog_v1_TxnMarker__Output } from './tidelog/v1/TxnMarker.js';
import type { TxnMarkerPartitionResult as _tidelog_v1_TxnMarkerPartitionResult, TxnMarkerPartitionResult__Output as _tidelog_v1_TxnMarkerPartitionResult__Output } from './tidelog/v1/TxnMarkerPartitionResult.js';
import type { TxnMarkerResult as _tidelog_v1_TxnMarkerResult, TxnMarkerResult__Output as _tidelog_v1_TxnMarkerResult__Output } from './tidelog/v1/TxnMarkerResult.js';
import type { TxnMarkerTopic as _tidelog_v1_TxnMarkerTopic, TxnMarkerTopic__Output as _tidelog_v1_TxnMarkerTopic__Output } from './tidelog/v1/TxnMarkerTopic.js';
import type { TxnTopicPartitions as _tidelog_v1_TxnTopicPartitions, TxnTopicPartitions__Output as _tidelog_v1_TxnTopicPartitions__Output } from './tidelog/v1/TxnTopicPartitions.js';
import type { WriteTxnMarkersRequest as _tidelog_v1_WriteTxnMarkersRequest, WriteTxnMarkersRequest__Output as _tidelog_v1_WriteTxnMarkersRequest__Output } from './tidelog/v1/WriteTxnMarkersRequest.js';
import type { WriteTxnMarkersResponse as _tidelog_v1_WriteTxnMarkersResponse, WriteTxnMarkersResponse__Output as _tidelog_v1_WriteTxnMarkersResponse__Output } from './tidelog/v1/WriteTxnMarkersResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  tidelog: {
    v1: {
      AbortPartitionTransactionRequest: MessageTypeDefinition<_tidelog_v1_AbortPartitionTransactionRequest, _tidelog_v1_AbortPartitionTransactionRequest__Output>
      AbortPartitionTransactionResponse: MessageTypeDefinition<_tidelog_v1_AbortPartitionTransactionResponse, _tidelog_v1_AbortPartitionTransactionResponse__Output>
      AbortTransactionRequest: MessageTypeDefinition<_tidelog_v1_AbortTransactionRequest, _tidelog_v1_AbortTransactionRequest__Output>
      AbortTransactionResponse: MessageTypeDefinition<_tidelog_v1_AbortTransactionResponse, _tidelog_v1_AbortTransactionResponse__Output>
      AbortedTransaction: MessageTypeDefinition<_tidelog_v1_AbortedTransaction, _tidelog_v1_AbortedTransaction__Output>
      AddOffsetsToTxnRequest: MessageTypeDefinition<_tidelog_v1_AddOffsetsToTxnRequest, _tidelog_v1_AddOffsetsToTxnRequest__Output>
      AddOffsetsToTxnResponse: MessageTypeDefinition<_tidelog_v1_AddOffsetsToTxnResponse, _tidelog_v1_AddOffsetsToTxnResponse__Output>
      AddPartitionsToTxnRequest: MessageTypeDefinition<_tidelog_v1_AddPartitionsToTxnRequest, _tidelog_v1_AddPartitionsToTxnRequest__Output>
      AddPartitionsToTxnResponse: MessageTypeDefinition<_tidelog_v1_AddPartitionsToTxnResponse, _tidelog_v1_AddPartitionsToTxnResponse__Output>
      Broker: SubtypeConstructor<typeof grpc.Client, _tidelog_v1_BrokerClient> & { service: _tidelog_v1_BrokerDefinition }
      BrokerInfo: MessageTypeDefinition<_tidelog_v1_BrokerInfo, _tidelog_v1_BrokerInfo__Output>
      DeleteRecordsRequest: MessageTypeDefinition<_tidelog_v1_DeleteRecordsRequest, _tidelog_v1_DeleteRecordsRequest__Output>
      DeleteRecordsResponse: MessageTypeDefinition<_tidelog_v1_DeleteRecordsResponse, _tidelog_v1_DeleteRecordsResponse__Output>
      DescribeProducersRequest: MessageTypeDefinition<_tidelog_v1_DescribeProducersRequest, _tidelog_v1_DescribeProducersRequest__Output>
      DescribeProducersResponse: MessageTypeDefinition<_tidelog_v1_DescribeProducersResponse, _tidelog_v1_DescribeProducersResponse__Output>
      DescribeProducersTopic: MessageTypeDefinition<_tidelog_v1_DescribeProducersTopic, _tidelog_v1_DescribeProducersTopic__Output>
      DescribeReplicaLogsRequest: MessageTypeDefinition<_tidelog_v1_DescribeReplicaLogsRequest, _tidelog_v1_DescribeReplicaLogsRequest__Output>
      DescribeReplicaLogsResponse: MessageTypeDefinition<_tidelog_v1_DescribeReplicaLogsResponse, _tidelog_v1_DescribeReplicaLogsResponse__Output>
      DescribeTransactionsRequest: MessageTypeDefinition<_tidelog_v1_DescribeTransactionsRequest, _tidelog_v1_DescribeTransactionsRequest__Output>
      DescribeTransactionsResponse: MessageTypeDefinition<_tidelog_v1_DescribeTransactionsResponse, _tidelog_v1_DescribeTransactionsResponse__Output>
      EndTxnRequest: MessageTypeDefinition<_tidelog_v1_EndTxnRequest, _tidelog_v1_EndTxnRequest__Output>
      EndTxnResponse: MessageTypeDefinition<_tidelog_v1_EndTxnResponse, _tidelog_v1_EndTxnResponse__Output>
      EpochEndOffset: MessageTypeDefinition<_tidelog_v1_EpochEndOffset, _tidelog_v1_EpochEndOffset__Output>
      ErrorInfo: MessageTypeDefinition<_tidelog_v1_ErrorInfo, _tidelog_v1_ErrorInfo__Output>
      FetchRequest: MessageTypeDefinition<_tidelog_v1_FetchRequest, _tidelog_v1_FetchRequest__Output>
      FetchResponse: MessageTypeDefinition<_tidelog_v1_FetchResponse, _tidelog_v1_FetchResponse__Output>
      FindTransactionCoordinatorRequest: MessageTypeDefinition<_tidelog_v1_FindTransactionCoordinatorRequest, _tidelog_v1_FindTransactionCoordinatorRequest__Output>
      FindTransactionCoordinatorResponse: MessageTypeDefinition<_tidelog_v1_FindTransactionCoordinatorResponse, _tidelog_v1_FindTransactionCoordinatorResponse__Output>
      InitProducerIdRequest: MessageTypeDefinition<_tidelog_v1_InitProducerIdRequest, _tidelog_v1_InitProducerIdRequest__Output>
      InitProducerIdResponse: MessageTypeDefinition<_tidelog_v1_InitProducerIdResponse, _tidelog_v1_InitProducerIdResponse__Output>
      JoinTxnPartitionRequest: MessageTypeDefinition<_tidelog_v1_JoinTxnPartitionRequest, _tidelog_v1_JoinTxnPartitionRequest__Output>
      JoinTxnPartitionResponse: MessageTypeDefinition<_tidelog_v1_JoinTxnPartitionResponse, _tidelog_v1_JoinTxnPartitionResponse__Output>
      ListOffsetsRequest: MessageTypeDefinition<_tidelog_v1_ListOffsetsRequest, _tidelog_v1_ListOffsetsRequest__Output>
      ListOffsetsResponse: MessageTypeDefinition<_tidelog_v1_ListOffsetsResponse, _tidelog_v1_ListOffsetsResponse__Output>
      ListTransactionsRequest: MessageTypeDefinition<_tidelog_v1_ListTransactionsRequest, _tidelog_v1_ListTransactionsRequest__Output>
      ListTransactionsResponse: MessageTypeDefinition<_tidelog_v1_ListTransactionsResponse, _tidelog_v1_ListTransactionsResponse__Output>
      MetadataRequest: MessageTypeDefinition<_tidelog_v1_MetadataRequest, _tidelog_v1_MetadataRequest__Output>
      MetadataResponse: MessageTypeDefinition<_tidelog_v1_MetadataResponse, _tidelog_v1_MetadataResponse__Output>
      OpenTransaction: MessageTypeDefinition<_tidelog_v1_OpenTransaction, _tidelog_v1_OpenTransaction__Output>
      PartitionFetchData: MessageTypeDefinition<_tidelog_v1_PartitionFetchData, _tidelog_v1_PartitionFetchData__Output>
      PartitionFetchResponse: MessageTypeDefinition<_tidelog_v1_PartitionFetchResponse, _tidelog_v1_PartitionFetchResponse__Output>
      PartitionListOffsets: MessageTypeDefinition<_tidelog_v1_PartitionListOffsets, _tidelog_v1_PartitionListOffsets__Output>
      PartitionListOffsetsResponse: MessageTypeDefinition<_tidelog_v1_PartitionListOffsetsResponse, _tidelog_v1_PartitionListOffsetsResponse__Output>
      PartitionMetadata: MessageTypeDefinition<_tidelog_v1_PartitionMetadata, _tidelog_v1_PartitionMetadata__Output>
      PartitionProduceData: MessageTypeDefinition<_tidelog_v1_PartitionProduceData, _tidelog_v1_PartitionProduceData__Output>
      PartitionProduceResponse: MessageTypeDefinition<_tidelog_v1_PartitionProduceResponse, _tidelog_v1_PartitionProduceResponse__Output>
      PartitionProducers: MessageTypeDefinition<_tidelog_v1_PartitionProducers, _tidelog_v1_PartitionProducers__Output>
      PeerRequest: MessageTypeDefinition<_tidelog_v1_PeerRequest, _tidelog_v1_PeerRequest__Output>
      PeerResponse: MessageTypeDefinition<_tidelog_v1_PeerResponse, _tidelog_v1_PeerResponse__Output>
      ProduceRequest: MessageTypeDefinition<_tidelog_v1_ProduceRequest, _tidelog_v1_ProduceRequest__Output>
      ProduceResponse: MessageTypeDefinition<_tidelog_v1_ProduceResponse, _tidelog_v1_ProduceResponse__Output>
      ReplicaFetchPartition: MessageTypeDefinition<_tidelog_v1_ReplicaFetchPartition, _tidelog_v1_ReplicaFetchPartition__Output>
      ReplicaFetchPartitionData: MessageTypeDefinition<_tidelog_v1_ReplicaFetchPartitionData, _tidelog_v1_ReplicaFetchPartitionData__Output>
      ReplicaFetchRequest: MessageTypeDefinition<_tidelog_v1_ReplicaFetchRequest, _tidelog_v1_ReplicaFetchRequest__Output>
      ReplicaFetchResponse: MessageTypeDefinition<_tidelog_v1_ReplicaFetchResponse, _tidelog_v1_ReplicaFetchResponse__Output>
      ReplicaLogEnd: MessageTypeDefinition<_tidelog_v1_ReplicaLogEnd, _tidelog_v1_ReplicaLogEnd__Output>
      Replication: SubtypeConstructor<typeof grpc.Client, _tidelog_v1_ReplicationClient> & { service: _tidelog_v1_ReplicationDefinition }
      SaslAuthenticateRequest: MessageTypeDefinition<_tidelog_v1_SaslAuthenticateRequest, _tidelog_v1_SaslAuthenticateRequest__Output>
      SaslAuthenticateResponse: MessageTypeDefinition<_tidelog_v1_SaslAuthenticateResponse, _tidelog_v1_SaslAuthenticateResponse__Output>
      TopicFetchData: MessageTypeDefinition<_tidelog_v1_TopicFetchData, _tidelog_v1_TopicFetchData__Output>
      TopicFetchResponse: MessageTypeDefinition<_tidelog_v1_TopicFetchResponse, _tidelog_v1_TopicFetchResponse__Output>
      TopicListOffsets: MessageTypeDefinition<_tidelog_v1_TopicListOffsets, _tidelog_v1_TopicListOffsets__Output>
      TopicListOffsetsResponse: MessageTypeDefinition<_tidelog_v1_TopicListOffsetsResponse, _tidelog_v1_TopicListOffsetsResponse__Output>
      TopicMetadata: MessageTypeDefinition<_tidelog_v1_TopicMetadata, _tidelog_v1_TopicMetadata__Output>
      TopicProduceData: MessageTypeDefinition<_tidelog_v1_TopicProduceData, _tidelog_v1_TopicProduceData__Output>
      TopicProduceResponse: MessageTypeDefinition<_tidelog_v1_TopicProduceResponse, _tidelog_v1_TopicProduceResponse__Output>
      Transaction: SubtypeConstructor<typeof grpc.Client, _tidelog_v1_TransactionClient> & { service: _tidelog_v1_TransactionDefinition }
      TransactionDescription: MessageTypeDefinition<_tidelog_v1_TransactionDescription, _tidelog_v1_TransactionDescription__Output>
      TransactionListing: MessageTypeDefinition<_tidelog_v1_TransactionListing, _tidelog_v1_TransactionListing__Output>
      TxnMarker: MessageTypeDefinition<_tidelog_v1_TxnMarker, _tidelog_v1_TxnMarker__Output>
      TxnMarkerPartitionResult: MessageTypeDefinition<_tidelog_v1_TxnMarkerPartitionResult, _tidelog_v1_TxnMarkerPartitionResult__Output>
      TxnMarkerResult: MessageTypeDefinition<_tidelog_v1_TxnMarkerResult, _tidelog_v1_TxnMarkerResult__Output>
      TxnMarkerTopic: MessageTypeDefinition<_tidelog_v1_TxnMarkerTopic, _tidelog_v1_TxnMarkerTopic__Output>
      TxnTopicPartitions: MessageTypeDefinition<_tidelog_v1_TxnTopicPartitions, _tidelog_v1_TxnTopicPartitions__Output>
      WriteTxnMarkersRequest: MessageTypeDefinition<_tidelog_v1_WriteTxnMarkersRequest, _tidelog_v1_WriteTxnMarkersRequest__Output>
      WriteTxnMarkersResponse: MessageTypeDefinition<_tidelog_v1_WriteTxnMarkersResponse, _tidelog_v1_WriteTxnMarkersResponse__Output>
    }
  }
}

