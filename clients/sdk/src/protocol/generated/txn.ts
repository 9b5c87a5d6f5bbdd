import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AbortTransactionRequest as _tidelog_v1_AbortTransactionRequest, AbortTransactionRequest__Output as _tidelog_v1_AbortTransactionRequest__Output } from './tidelog/v1/AbortTransactionRequest.js';
import type { AbortTransactionResponse as _tidelog_v1_AbortTransactionResponse, AbortTransactionResponse__Output as _tidelog_v1_AbortTransactionResponse__Output } from './tidelog/v1/AbortTransactionResponse.js';
import type { AddOffsetsToTxnRequest as _tidelog_v1_AddOffsetsToTxnRequest, AddOffsetsToTxnRequest__Output as _tidelog_v1_AddOffsetsToTxnRequest__Output } from './tidelog/v1/AddOffsetsToTxnRequest.js';
import type { AddOffsetsToTxnResponse as _tidelog_v1_AddOffsetsToTxnResponse, AddOffsetsToTxnResponse__Output as _tidelog_v1_AddOffsetsToTxnResponse__Output } from './tidelog/v1/AddOffsetsToTxnResponse.js';
import type { AddPartitionsToTxnRequest as _tidelog_v1_AddPartitionsToTxnRequest, AddPartitionsToTxnRequest__Output as _tidelog_v1_AddPartitionsToTxnRequest__Output } from './tidelog/v1/AddPartitionsToTxnRequest.js';
import type { AddPartitionsToTxnResponse as _tidelog_v1_AddPartitionsToTxnResponse, AddPartitionsToTxnResponse__Output as _tidelog_v1_AddPartitionsToTxnResponse__Output } from './tidelog/v1/AddPartitionsToTxnResponse.js';
import type { BrokerInfo as _tidelog_v1_BrokerInfo, BrokerInfo__Output as _tidelog_v1_BrokerInfo__Output } from './tidelog/v1/BrokerInfo.js';
import type { DescribeTransactionsRequest as _tidelog_v1_DescribeTransactionsRequest, DescribeTransactionsRequest__Output as _tidelog_v1_DescribeTransactionsRequest__Output } from './tidelog/v1/DescribeTransactionsRequest.js';
import type { DescribeTransactionsResponse as _tidelog_v1_DescribeTransactionsResponse, DescribeTransactionsResponse__Output as _tidelog_v1_DescribeTransactionsResponse__Output } from './tidelog/v1/DescribeTransactionsResponse.js';
import type { EndTxnRequest as _tidelog_v1_EndTxnRequest, EndTxnRequest__Output as _tidelog_v1_EndTxnRequest__Output } from './tidelog/v1/EndTxnRequest.js';
import type { EndTxnResponse as _tidelog_v1_EndTxnResponse, EndTxnResponse__Output as _tidelog_v1_EndTxnResponse__Output } from './tidelog/v1/EndTxnResponse.js';
import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from './tidelog/v1/ErrorInfo.js';
import type { FindTransactionCoordinatorRequest as _tidelog_v1_FindTransactionCoordinatorRequest, FindTransactionCoordinatorRequest__Output as _tidelog_v1_FindTransactionCoordinatorRequest__Output } from './tidelog/v1/FindTransactionCoordinatorRequest.js';
import type { FindTransactionCoordinatorResponse as _tidelog_v1_FindTransactionCoordinatorResponse, FindTransactionCoordinatorResponse__Output as _tidelog_v1_FindTransactionCoordinatorResponse__Output } from './tidelog/v1/FindTransactionCoordinatorResponse.js';
import type { JoinTxnPartitionRequest as _tidelog_v1_JoinTxnPartitionRequest, JoinTxnPartitionRequest__Output as _tidelog_v1_JoinTxnPartitionRequest__Output } from './tidelog/v1/JoinTxnPartitionRequest.js';
import type { JoinTxnPartitionResponse as _tidelog_v1_JoinTxnPartitionResponse, JoinTxnPartitionResponse__Output as _tidelog_v1_JoinTxnPartitionResponse__Output } from './tidelog/v1/JoinTxnPartitionResponse.js';
import type { ListTransactionsRequest as _tidelog_v1_ListTransactionsRequest, ListTransactionsRequest__Output as _tidelog_v1_ListTransactionsRequest__Output } from './tidelog/v1/ListTransactionsRequest.js';
import type { ListTransactionsResponse as _tidelog_v1_ListTransactionsResponse, ListTransactionsResponse__Output as _tidelog_v1_ListTransactionsResponse__Output } from './tidelog/v1/ListTransactionsResponse.js';
import type { TransactionClient as _tidelog_v1_TransactionClient, TransactionDefinition as _tidelog_v1_TransactionDefinition } from './tidelog/v1/Transaction.js';
import type { TransactionDescription as _tidelog_v1_TransactionDescription, TransactionDescription__Output as _tidelog_v1_TransactionDescription__Output } from './tidelog/v1/TransactionDescription.js';
import type { TransactionListing as _tidelog_v1_TransactionListing, TransactionListing__Output as _tidelog_v1_TransactionListing__Output } from './tidelog/v1/TransactionListing.js';
import type { TxnTopicPartitions as _tidelog_v1_TxnTopicPartitions, TxnTopicPartitions__Output as _tidelog_v1_TxnTopicPartitions__Output } from './tidelog/v1/TxnTopicPartitions.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  tidelog: {
    v1: {
      AbortTransactionRequest: MessageTypeDefinition<_tidelog_v1_AbortTransactionRequest, _tidelog_v1_AbortTransactionRequest__Output>
      AbortTransactionResponse: MessageTypeDefinition<_tidelog_v1_AbortTransactionResponse, _tidelog_v1_AbortTransactionResponse__Output>
      AddOffsetsToTxnRequest: MessageTypeDefinition<_tidelog_v1_AddOffsetsToTxnRequest, _tidelog_v1_AddOffsetsToTxnRequest__Output>
      AddOffsetsToTxnResponse: MessageTypeDefinition<_tidelog_v1_AddOffsetsToTxnResponse, _tidelog_v1_AddOffsetsToTxnResponse__Output>
      AddPartitionsToTxnRequest: MessageTypeDefinition<_tidelog_v1_AddPartitionsToTxnRequest, _tidelog_v1_AddPartitionsToTxnRequest__Output>
      AddPartitionsToTxnResponse: MessageTypeDefinition<_tidelog_v1_AddPartitionsToTxnResponse, _tidelog_v1_AddPartitionsToTxnResponse__Output>
      BrokerInfo: MessageTypeDefinition<_tidelog_v1_BrokerInfo, _tidelog_v1_BrokerInfo__Output>
      DescribeTransactionsRequest: MessageTypeDefinition<_tidelog_v1_DescribeTransactionsRequest, _tidelog_v1_DescribeTransactionsRequest__Output>
      DescribeTransactionsResponse: MessageTypeDefinition<_tidelog_v1_DescribeTransactionsResponse, _tidelog_v1_DescribeTransactionsResponse__Output>
      EndTxnRequest: MessageTypeDefinition<_tidelog_v1_EndTxnRequest, _tidelog_v1_EndTxnRequest__Output>
      EndTxnResponse: MessageTypeDefinition<_tidelog_v1_EndTxnResponse, _tidelog_v1_EndTxnResponse__Output>
      ErrorInfo: MessageTypeDefinition<_tidelog_v1_ErrorInfo, _tidelog_v1_ErrorInfo__Output>
      FindTransactionCoordinatorRequest: MessageTypeDefinition<_tidelog_v1_FindTransactionCoordinatorRequest, _tidelog_v1_FindTransactionCoordinatorRequest__Output>
      FindTransactionCoordinatorResponse: MessageTypeDefinition<_tidelog_v1_FindTransactionCoordinatorResponse, _tidelog_v1_FindTransactionCoordinatorResponse__Output>
      JoinTxnPartitionRequest: MessageTypeDefinition<_tidelog_v1_JoinTxnPartitionRequest, _tidelog_v1_JoinTxnPartitionRequest__Output>
      JoinTxnPartitionResponse: MessageTypeDefinition<_tidelog_v1_JoinTxnPartitionResponse, _tidelog_v1_JoinTxnPartitionResponse__Output>
      ListTransactionsRequest: MessageTypeDefinition<_tidelog_v1_ListTransactionsRequest, _tidelog_v1_ListTransactionsRequest__Output>
      ListTransactionsResponse: MessageTypeDefinition<_tidelog_v1_ListTransactionsResponse, _tidelog_v1_ListTransactionsResponse__Output>
      Transaction: SubtypeConstructor<typeof grpc.Client, _tidelog_v1_TransactionClient> & { service: _tidelog_v1_TransactionDefinition }
      TransactionDescription: MessageTypeDefinition<_tidelog_v1_TransactionDescription, _tidelog_v1_TransactionDescription__Output>
      TransactionListing: MessageTypeDefinition<_tidelog_v1_TransactionListing, _tidelog_v1_TransactionListing__Output>
      TxnTopicPartitions: MessageTypeDefinition<_tidelog_v1_TxnTopicPartitions, _tidelog_v1_TxnTopicPartitions__Output>
    }
  }
}

