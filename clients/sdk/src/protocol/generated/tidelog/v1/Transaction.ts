// Original file: proto/tidelog/v1/txn.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AbortTransactionRequest as _tidelog_v1_AbortTransactionRequest, AbortTransactionRequest__Output as _tidelog_v1_AbortTransactionRequest__Output } from '../../tidelog/v1/AbortTransactionRequest.js';
import type { AbortTransactionResponse as _tidelog_v1_AbortTransactionResponse, AbortTransactionResponse__Output as _tidelog_v1_AbortTransactionResponse__Output } from '../../tidelog/v1/AbortTransactionResponse.js';
import type { AddOffsetsToTxnRequest as _tidelog_v1_AddOffsetsToTxnRequest, AddOffsetsToTxnRequest__Output as _tidelog_v1_AddOffsetsToTxnRequest__Output } from '../../tidelog/v1/AddOffsetsToTxnRequest.js';
import type { AddOffsetsToTxnResponse as _tidelog_v1_AddOffsetsToTxnResponse, AddOffsetsToTxnResponse__Output as _tidelog_v1_AddOffsetsToTxnResponse__Output } from '../../tidelog/v1/AddOffsetsToTxnResponse.js';
import type { AddPartitionsToTxnRequest as _tidelog_v1_AddPartitionsToTxnRequest, AddPartitionsToTxnRequest__Output as _tidelog_v1_AddPartitionsToTxnRequest__Output } from '../../tidelog/v1/AddPartitionsToTxnRequest.js';
import type { AddPartitionsToTxnResponse as _tidelog_v1_AddPartitionsToTxnResponse, AddPartitionsToTxnResponse__Output as _tidelog_v1_AddPartitionsToTxnResponse__Output } from '../../tidelog/v1/AddPartitionsToTxnResponse.js';
import type { DescribeTransactionsRequest as _tidelog_v1_DescribeTransactionsRequest, DescribeTransactionsRequest__Output as _tidelog_v1_DescribeTransactionsRequest__Output } from '../../tidelog/v1/DescribeTransactionsRequest.js';
import type { DescribeTransactionsResponse as _tidelog_v1_DescribeTransactionsResponse, DescribeTransactionsResponse__Output as _tidelog_v1_DescribeTransactionsResponse__Output } from '../../tidelog/v1/DescribeTransactionsResponse.js';
import type { EndTxnRequest as _tidelog_v1_EndTxnRequest, EndTxnRequest__Output as _tidelog_v1_EndTxnRequest__Output } from '../../tidelog/v1/EndTxnRequest.js';
import type { EndTxnResponse as _tidelog_v1_EndTxnResponse, EndTxnResponse__Output as _tidelog_v1_EndTxnResponse__Output } from '../../tidelog/v1/EndTxnResponse.js';
import type { FindTransactionCoordinatorRequest as _tidelog_v1_FindTransactionCoordinatorRequest, FindTransactionCoordinatorRequest__Output as _tidelog_v1_FindTransactionCoordinatorRequest__Output } from '../../tidelog/v1/FindTransactionCoordinatorRequest.js';
import type { FindTransactionCoordinatorResponse as _tidelog_v1_FindTransactionCoordinatorResponse, FindTransactionCoordinatorResponse__Output as _tidelog_v1_FindTransactionCoordinatorResponse__Output } from '../../tidelog/v1/FindTransactionCoordinatorResponse.js';
import type { JoinTxnPartitionRequest as _tidelog_v1_JoinTxnPartitionRequest, JoinTxnPartitionRequest__Output as _tidelog_v1_JoinTxnPartitionRequest__Output } from '../../tidelog/v1/JoinTxnPartitionRequest.js';
import type { JoinTxnPartitionResponse as _tidelog_v1_JoinTxnPartitionResponse, JoinTxnPartitionResponse__Output as _tidelog_v1_JoinTxnPartitionResponse__Output } from '../../tidelog/v1/JoinTxnPartitionResponse.js';
import type { ListTransactionsRequest as _tidelog_v1_ListTransactionsRequest, ListTransactionsRequest__Output as _tidelog_v1_ListTransactionsRequest__Output } from '../../tidelog/v1/ListTransactionsRequest.js';
import type { ListTransactionsResponse as _tidelog_v1_ListTransactionsResponse, ListTransactionsResponse__Output as _tidelog_v1_ListTransactionsResponse__Output } from '../../tidelog/v1/ListTransactionsResponse.js';

export interface TransactionClient extends grpc.Client {
  /**
   * An operator's abort of an ongoing transaction (as the coordinator aborts one past its
   * timeout: the producer is fenced at a bumped epoch). Sent to the coordinator.
   */
  AbortTransaction(argument: _tidelog_v1_AbortTransactionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AbortTransactionResponse__Output>): grpc.ClientUnaryCall;
  AbortTransaction(argument: _tidelog_v1_AbortTransactionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_AbortTransactionResponse__Output>): grpc.ClientUnaryCall;
  AbortTransaction(argument: _tidelog_v1_AbortTransactionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AbortTransactionResponse__Output>): grpc.ClientUnaryCall;
  AbortTransaction(argument: _tidelog_v1_AbortTransactionRequest, callback: grpc.requestCallback<_tidelog_v1_AbortTransactionResponse__Output>): grpc.ClientUnaryCall;
  /**
   * An operator's abort of an ongoing transaction (as the coordinator aborts one past its
   * timeout: the producer is fenced at a bumped epoch). Sent to the coordinator.
   */
  abortTransaction(argument: _tidelog_v1_AbortTransactionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AbortTransactionResponse__Output>): grpc.ClientUnaryCall;
  abortTransaction(argument: _tidelog_v1_AbortTransactionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_AbortTransactionResponse__Output>): grpc.ClientUnaryCall;
  abortTransaction(argument: _tidelog_v1_AbortTransactionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AbortTransactionResponse__Output>): grpc.ClientUnaryCall;
  abortTransaction(argument: _tidelog_v1_AbortTransactionRequest, callback: grpc.requestCallback<_tidelog_v1_AbortTransactionResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * A group's offsets join the transaction (its __consumer_offsets partition) before TxnOffsetCommit.
   */
  AddOffsetsToTxn(argument: _tidelog_v1_AddOffsetsToTxnRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AddOffsetsToTxnResponse__Output>): grpc.ClientUnaryCall;
  AddOffsetsToTxn(argument: _tidelog_v1_AddOffsetsToTxnRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_AddOffsetsToTxnResponse__Output>): grpc.ClientUnaryCall;
  AddOffsetsToTxn(argument: _tidelog_v1_AddOffsetsToTxnRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AddOffsetsToTxnResponse__Output>): grpc.ClientUnaryCall;
  AddOffsetsToTxn(argument: _tidelog_v1_AddOffsetsToTxnRequest, callback: grpc.requestCallback<_tidelog_v1_AddOffsetsToTxnResponse__Output>): grpc.ClientUnaryCall;
  /**
   * A group's offsets join the transaction (its __consumer_offsets partition) before TxnOffsetCommit.
   */
  addOffsetsToTxn(argument: _tidelog_v1_AddOffsetsToTxnRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AddOffsetsToTxnResponse__Output>): grpc.ClientUnaryCall;
  addOffsetsToTxn(argument: _tidelog_v1_AddOffsetsToTxnRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_AddOffsetsToTxnResponse__Output>): grpc.ClientUnaryCall;
  addOffsetsToTxn(argument: _tidelog_v1_AddOffsetsToTxnRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AddOffsetsToTxnResponse__Output>): grpc.ClientUnaryCall;
  addOffsetsToTxn(argument: _tidelog_v1_AddOffsetsToTxnRequest, callback: grpc.requestCallback<_tidelog_v1_AddOffsetsToTxnResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Partitions join the ongoing transaction (starting one). The SDK leaves this to the
   * partitions' leaders (JoinTxnPartition); a client may still add partitions ahead.
   */
  AddPartitionsToTxn(argument: _tidelog_v1_AddPartitionsToTxnRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AddPartitionsToTxnResponse__Output>): grpc.ClientUnaryCall;
  AddPartitionsToTxn(argument: _tidelog_v1_AddPartitionsToTxnRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_AddPartitionsToTxnResponse__Output>): grpc.ClientUnaryCall;
  AddPartitionsToTxn(argument: _tidelog_v1_AddPartitionsToTxnRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AddPartitionsToTxnResponse__Output>): grpc.ClientUnaryCall;
  AddPartitionsToTxn(argument: _tidelog_v1_AddPartitionsToTxnRequest, callback: grpc.requestCallback<_tidelog_v1_AddPartitionsToTxnResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Partitions join the ongoing transaction (starting one). The SDK leaves this to the
   * partitions' leaders (JoinTxnPartition); a client may still add partitions ahead.
   */
  addPartitionsToTxn(argument: _tidelog_v1_AddPartitionsToTxnRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AddPartitionsToTxnResponse__Output>): grpc.ClientUnaryCall;
  addPartitionsToTxn(argument: _tidelog_v1_AddPartitionsToTxnRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_AddPartitionsToTxnResponse__Output>): grpc.ClientUnaryCall;
  addPartitionsToTxn(argument: _tidelog_v1_AddPartitionsToTxnRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AddPartitionsToTxnResponse__Output>): grpc.ClientUnaryCall;
  addPartitionsToTxn(argument: _tidelog_v1_AddPartitionsToTxnRequest, callback: grpc.requestCallback<_tidelog_v1_AddPartitionsToTxnResponse__Output>): grpc.ClientUnaryCall;
  
  DescribeTransactions(argument: _tidelog_v1_DescribeTransactionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeTransactionsResponse__Output>): grpc.ClientUnaryCall;
  DescribeTransactions(argument: _tidelog_v1_DescribeTransactionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DescribeTransactionsResponse__Output>): grpc.ClientUnaryCall;
  DescribeTransactions(argument: _tidelog_v1_DescribeTransactionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeTransactionsResponse__Output>): grpc.ClientUnaryCall;
  DescribeTransactions(argument: _tidelog_v1_DescribeTransactionsRequest, callback: grpc.requestCallback<_tidelog_v1_DescribeTransactionsResponse__Output>): grpc.ClientUnaryCall;
  describeTransactions(argument: _tidelog_v1_DescribeTransactionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeTransactionsResponse__Output>): grpc.ClientUnaryCall;
  describeTransactions(argument: _tidelog_v1_DescribeTransactionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DescribeTransactionsResponse__Output>): grpc.ClientUnaryCall;
  describeTransactions(argument: _tidelog_v1_DescribeTransactionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeTransactionsResponse__Output>): grpc.ClientUnaryCall;
  describeTransactions(argument: _tidelog_v1_DescribeTransactionsRequest, callback: grpc.requestCallback<_tidelog_v1_DescribeTransactionsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Commit or abort. Answered once PrepareCommit/PrepareAbort is durable; the markers
   * follow. The answer carries the producer id and epoch to use from now on.
   */
  EndTxn(argument: _tidelog_v1_EndTxnRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_EndTxnResponse__Output>): grpc.ClientUnaryCall;
  EndTxn(argument: _tidelog_v1_EndTxnRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_EndTxnResponse__Output>): grpc.ClientUnaryCall;
  EndTxn(argument: _tidelog_v1_EndTxnRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_EndTxnResponse__Output>): grpc.ClientUnaryCall;
  EndTxn(argument: _tidelog_v1_EndTxnRequest, callback: grpc.requestCallback<_tidelog_v1_EndTxnResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Commit or abort. Answered once PrepareCommit/PrepareAbort is durable; the markers
   * follow. The answer carries the producer id and epoch to use from now on.
   */
  endTxn(argument: _tidelog_v1_EndTxnRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_EndTxnResponse__Output>): grpc.ClientUnaryCall;
  endTxn(argument: _tidelog_v1_EndTxnRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_EndTxnResponse__Output>): grpc.ClientUnaryCall;
  endTxn(argument: _tidelog_v1_EndTxnRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_EndTxnResponse__Output>): grpc.ClientUnaryCall;
  endTxn(argument: _tidelog_v1_EndTxnRequest, callback: grpc.requestCallback<_tidelog_v1_EndTxnResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * EndTxn as messages on one stream from a producer to its coordinator, answered in
   * order. A producer in a transaction loop ends one every few milliseconds, and a unary
   * call costs a busy broker several times what a message on an open stream does
   * (bench/RESULTS.md, 2026-12-06). A broker without it is sent the unary EndTxn.
   */
  EndTxnStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_tidelog_v1_EndTxnRequest, _tidelog_v1_EndTxnResponse__Output>;
  EndTxnStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_tidelog_v1_EndTxnRequest, _tidelog_v1_EndTxnResponse__Output>;
  /**
   * EndTxn as messages on one stream from a producer to its coordinator, answered in
   * order. A producer in a transaction loop ends one every few milliseconds, and a unary
   * call costs a busy broker several times what a message on an open stream does
   * (bench/RESULTS.md, 2026-12-06). A broker without it is sent the unary EndTxn.
   */
  endTxnStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_tidelog_v1_EndTxnRequest, _tidelog_v1_EndTxnResponse__Output>;
  endTxnStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_tidelog_v1_EndTxnRequest, _tidelog_v1_EndTxnResponse__Output>;
  
  /**
   * The broker coordinating a transactional id. Any broker answers; the controller
   * creates __transaction_state on first use.
   */
  FindTransactionCoordinator(argument: _tidelog_v1_FindTransactionCoordinatorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_FindTransactionCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  FindTransactionCoordinator(argument: _tidelog_v1_FindTransactionCoordinatorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_FindTransactionCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  FindTransactionCoordinator(argument: _tidelog_v1_FindTransactionCoordinatorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_FindTransactionCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  FindTransactionCoordinator(argument: _tidelog_v1_FindTransactionCoordinatorRequest, callback: grpc.requestCallback<_tidelog_v1_FindTransactionCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The broker coordinating a transactional id. Any broker answers; the controller
   * creates __transaction_state on first use.
   */
  findTransactionCoordinator(argument: _tidelog_v1_FindTransactionCoordinatorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_FindTransactionCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  findTransactionCoordinator(argument: _tidelog_v1_FindTransactionCoordinatorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_FindTransactionCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  findTransactionCoordinator(argument: _tidelog_v1_FindTransactionCoordinatorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_FindTransactionCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  findTransactionCoordinator(argument: _tidelog_v1_FindTransactionCoordinatorRequest, callback: grpc.requestCallback<_tidelog_v1_FindTransactionCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Broker to coordinator (KIP-890 part 2): a partition leader, before it appends a
   * transaction's first batch there, adds its partition to (producer id, epoch)'s
   * transaction (starting one), so no batch can open a transaction its coordinator does
   * not know of. Refused for an old epoch (a late batch of a finished transaction).
   */
  JoinTxnPartition(argument: _tidelog_v1_JoinTxnPartitionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_JoinTxnPartitionResponse__Output>): grpc.ClientUnaryCall;
  JoinTxnPartition(argument: _tidelog_v1_JoinTxnPartitionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_JoinTxnPartitionResponse__Output>): grpc.ClientUnaryCall;
  JoinTxnPartition(argument: _tidelog_v1_JoinTxnPartitionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_JoinTxnPartitionResponse__Output>): grpc.ClientUnaryCall;
  JoinTxnPartition(argument: _tidelog_v1_JoinTxnPartitionRequest, callback: grpc.requestCallback<_tidelog_v1_JoinTxnPartitionResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Broker to coordinator (KIP-890 part 2): a partition leader, before it appends a
   * transaction's first batch there, adds its partition to (producer id, epoch)'s
   * transaction (starting one), so no batch can open a transaction its coordinator does
   * not know of. Refused for an old epoch (a late batch of a finished transaction).
   */
  joinTxnPartition(argument: _tidelog_v1_JoinTxnPartitionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_JoinTxnPartitionResponse__Output>): grpc.ClientUnaryCall;
  joinTxnPartition(argument: _tidelog_v1_JoinTxnPartitionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_JoinTxnPartitionResponse__Output>): grpc.ClientUnaryCall;
  joinTxnPartition(argument: _tidelog_v1_JoinTxnPartitionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_JoinTxnPartitionResponse__Output>): grpc.ClientUnaryCall;
  joinTxnPartition(argument: _tidelog_v1_JoinTxnPartitionRequest, callback: grpc.requestCallback<_tidelog_v1_JoinTxnPartitionResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Administration: the transactions this broker coordinates, their state, and a
   * forced abort (the coordinator aborts as on a timeout).
   */
  ListTransactions(argument: _tidelog_v1_ListTransactionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  ListTransactions(argument: _tidelog_v1_ListTransactionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  ListTransactions(argument: _tidelog_v1_ListTransactionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  ListTransactions(argument: _tidelog_v1_ListTransactionsRequest, callback: grpc.requestCallback<_tidelog_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Administration: the transactions this broker coordinates, their state, and a
   * forced abort (the coordinator aborts as on a timeout).
   */
  listTransactions(argument: _tidelog_v1_ListTransactionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  listTransactions(argument: _tidelog_v1_ListTransactionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  listTransactions(argument: _tidelog_v1_ListTransactionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  listTransactions(argument: _tidelog_v1_ListTransactionsRequest, callback: grpc.requestCallback<_tidelog_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface TransactionHandlers extends grpc.UntypedServiceImplementation {
  /**
   * An operator's abort of an ongoing transaction (as the coordinator aborts one past its
   * timeout: the producer is fenced at a bumped epoch). Sent to the coordinator.
   */
  AbortTransaction: grpc.handleUnaryCall<_tidelog_v1_AbortTransactionRequest__Output, _tidelog_v1_AbortTransactionResponse>;
  
  /**
   * A group's offsets join the transaction (its __consumer_offsets partition) before TxnOffsetCommit.
   */
  AddOffsetsToTxn: grpc.handleUnaryCall<_tidelog_v1_AddOffsetsToTxnRequest__Output, _tidelog_v1_AddOffsetsToTxnResponse>;
  
  /**
   * Partitions join the ongoing transaction (starting one). The SDK leaves this to the
   * partitions' leaders (JoinTxnPartition); a client may still add partitions ahead.
   */
  AddPartitionsToTxn: grpc.handleUnaryCall<_tidelog_v1_AddPartitionsToTxnRequest__Output, _tidelog_v1_AddPartitionsToTxnResponse>;
  
  DescribeTransactions: grpc.handleUnaryCall<_tidelog_v1_DescribeTransactionsRequest__Output, _tidelog_v1_DescribeTransactionsResponse>;
  
  /**
   * Commit or abort. Answered once PrepareCommit/PrepareAbort is durable; the markers
   * follow. The answer carries the producer id and epoch to use from now on.
   */
  EndTxn: grpc.handleUnaryCall<_tidelog_v1_EndTxnRequest__Output, _tidelog_v1_EndTxnResponse>;
  
  /**
   * EndTxn as messages on one stream from a producer to its coordinator, answered in
   * order. A producer in a transaction loop ends one every few milliseconds, and a unary
   * call costs a busy broker several times what a message on an open stream does
   * (bench/RESULTS.md, 2026-12-06). A broker without it is sent the unary EndTxn.
   */
  EndTxnStream: grpc.handleBidiStreamingCall<_tidelog_v1_EndTxnRequest__Output, _tidelog_v1_EndTxnResponse>;
  
  /**
   * The broker coordinating a transactional id. Any broker answers; the controller
   * creates __transaction_state on first use.
   */
  FindTransactionCoordinator: grpc.handleUnaryCall<_tidelog_v1_FindTransactionCoordinatorRequest__Output, _tidelog_v1_FindTransactionCoordinatorResponse>;
  
  /**
   * Broker to coordinator (KIP-890 part 2): a partition leader, before it appends a
   * transaction's first batch there, adds its partition to (producer id, epoch)'s
   * transaction (starting one), so no batch can open a transaction its coordinator does
   * not know of. Refused for an old epoch (a late batch of a finished transaction).
   */
  JoinTxnPartition: grpc.handleUnaryCall<_tidelog_v1_JoinTxnPartitionRequest__Output, _tidelog_v1_JoinTxnPartitionResponse>;
  
  /**
   * Administration: the transactions this broker coordinates, their state, and a
   * forced abort (the coordinator aborts as on a timeout).
   */
  ListTransactions: grpc.handleUnaryCall<_tidelog_v1_ListTransactionsRequest__Output, _tidelog_v1_ListTransactionsResponse>;
  
}

export interface TransactionDefinition extends grpc.ServiceDefinition {
  AbortTransaction: MethodDefinition<_tidelog_v1_AbortTransactionRequest, _tidelog_v1_AbortTransactionResponse, _tidelog_v1_AbortTransactionRequest__Output, _tidelog_v1_AbortTransactionResponse__Output>
  AddOffsetsToTxn: MethodDefinition<_tidelog_v1_AddOffsetsToTxnRequest, _tidelog_v1_AddOffsetsToTxnResponse, _tidelog_v1_AddOffsetsToTxnRequest__Output, _tidelog_v1_AddOffsetsToTxnResponse__Output>
  AddPartitionsToTxn: MethodDefinition<_tidelog_v1_AddPartitionsToTxnRequest, _tidelog_v1_AddPartitionsToTxnResponse, _tidelog_v1_AddPartitionsToTxnRequest__Output, _tidelog_v1_AddPartitionsToTxnResponse__Output>
  DescribeTransactions: MethodDefinition<_tidelog_v1_DescribeTransactionsRequest, _tidelog_v1_DescribeTransactionsResponse, _tidelog_v1_DescribeTransactionsRequest__Output, _tidelog_v1_DescribeTransactionsResponse__Output>
  EndTxn: MethodDefinition<_tidelog_v1_EndTxnRequest, _tidelog_v1_EndTxnResponse, _tidelog_v1_EndTxnRequest__Output, _tidelog_v1_EndTxnResponse__Output>
  EndTxnStream: MethodDefinition<_tidelog_v1_EndTxnRequest, _tidelog_v1_EndTxnResponse, _tidelog_v1_EndTxnRequest__Output, _tidelog_v1_EndTxnResponse__Output>
  FindTransactionCoordinator: MethodDefinition<_tidelog_v1_FindTransactionCoordinatorRequest, _tidelog_v1_FindTransactionCoordinatorResponse, _tidelog_v1_FindTransactionCoordinatorRequest__Output, _tidelog_v1_FindTransactionCoordinatorResponse__Output>
  JoinTxnPartition: MethodDefinition<_tidelog_v1_JoinTxnPartitionRequest, _tidelog_v1_JoinTxnPartitionResponse, _tidelog_v1_JoinTxnPartitionRequest__Output, _tidelog_v1_JoinTxnPartitionResponse__Output>
  ListTransactions: MethodDefinition<_tidelog_v1_ListTransactionsRequest, _tidelog_v1_ListTransactionsResponse, _tidelog_v1_ListTransactionsRequest__Output, _tidelog_v1_ListTransactionsResponse__Output>
}
