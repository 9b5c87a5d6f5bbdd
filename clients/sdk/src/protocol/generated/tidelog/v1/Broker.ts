// Original file: proto/tidelog/v1/broker.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AbortPartitionTransactionRequest as _tidelog_v1_AbortPartitionTransactionRequest, AbortPartitionTransactionRequest__Output as _tidelog_v1_AbortPartitionTransactionRequest__Output } from '../../tidelog/v1/AbortPartitionTransactionRequest.js';
import type { AbortPartitionTransactionResponse as _tidelog_v1_AbortPartitionTransactionResponse, AbortPartitionTransactionResponse__Output as _tidelog_v1_AbortPartitionTransactionResponse__Output } from '../../tidelog/v1/AbortPartitionTransactionResponse.js';
import type { DeleteRecordsRequest as _tidelog_v1_DeleteRecordsRequest, DeleteRecordsRequest__Output as _tidelog_v1_DeleteRecordsRequest__Output } from '../../tidelog/v1/DeleteRecordsRequest.js';
import type { DeleteRecordsResponse as _tidelog_v1_DeleteRecordsResponse, DeleteRecordsResponse__Output as _tidelog_v1_DeleteRecordsResponse__Output } from '../../tidelog/v1/DeleteRecordsResponse.js';
import type { DescribeProducersRequest as _tidelog_v1_DescribeProducersRequest, DescribeProducersRequest__Output as _tidelog_v1_DescribeProducersRequest__Output } from '../../tidelog/v1/DescribeProducersRequest.js';
import type { DescribeProducersResponse as _tidelog_v1_DescribeProducersResponse, DescribeProducersResponse__Output as _tidelog_v1_DescribeProducersResponse__Output } from '../../tidelog/v1/DescribeProducersResponse.js';
import type { FetchRequest as _tidelog_v1_FetchRequest, FetchRequest__Output as _tidelog_v1_FetchRequest__Output } from '../../tidelog/v1/FetchRequest.js';
import type { FetchResponse as _tidelog_v1_FetchResponse, FetchResponse__Output as _tidelog_v1_FetchResponse__Output } from '../../tidelog/v1/FetchResponse.js';
import type { InitProducerIdRequest as _tidelog_v1_InitProducerIdRequest, InitProducerIdRequest__Output as _tidelog_v1_InitProducerIdRequest__Output } from '../../tidelog/v1/InitProducerIdRequest.js';
import type { InitProducerIdResponse as _tidelog_v1_InitProducerIdResponse, InitProducerIdResponse__Output as _tidelog_v1_InitProducerIdResponse__Output } from '../../tidelog/v1/InitProducerIdResponse.js';
import type { ListOffsetsRequest as _tidelog_v1_ListOffsetsRequest, ListOffsetsRequest__Output as _tidelog_v1_ListOffsetsRequest__Output } from '../../tidelog/v1/ListOffsetsRequest.js';
import type { ListOffsetsResponse as _tidelog_v1_ListOffsetsResponse, ListOffsetsResponse__Output as _tidelog_v1_ListOffsetsResponse__Output } from '../../tidelog/v1/ListOffsetsResponse.js';
import type { MetadataRequest as _tidelog_v1_MetadataRequest, MetadataRequest__Output as _tidelog_v1_MetadataRequest__Output } from '../../tidelog/v1/MetadataRequest.js';
import type { MetadataResponse as _tidelog_v1_MetadataResponse, MetadataResponse__Output as _tidelog_v1_MetadataResponse__Output } from '../../tidelog/v1/MetadataResponse.js';
import type { ProduceRequest as _tidelog_v1_ProduceRequest, ProduceRequest__Output as _tidelog_v1_ProduceRequest__Output } from '../../tidelog/v1/ProduceRequest.js';
import type { ProduceResponse as _tidelog_v1_ProduceResponse, ProduceResponse__Output as _tidelog_v1_ProduceResponse__Output } from '../../tidelog/v1/ProduceResponse.js';
import type { SaslAuthenticateRequest as _tidelog_v1_SaslAuthenticateRequest, SaslAuthenticateRequest__Output as _tidelog_v1_SaslAuthenticateRequest__Output } from '../../tidelog/v1/SaslAuthenticateRequest.js';
import type { SaslAuthenticateResponse as _tidelog_v1_SaslAuthenticateResponse, SaslAuthenticateResponse__Output as _tidelog_v1_SaslAuthenticateResponse__Output } from '../../tidelog/v1/SaslAuthenticateResponse.js';

export interface BrokerClient extends grpc.Client {
  /**
   * An operator's last resort for a hanging transaction (one no coordinator will end):
   * the partition's leader writes an ABORT marker for the producer's open transaction
   * there, as Kafka's `kafka-transactions abort --topic --partition --producer-id`.
   */
  AbortPartitionTransaction(argument: _tidelog_v1_AbortPartitionTransactionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AbortPartitionTransactionResponse__Output>): grpc.ClientUnaryCall;
  AbortPartitionTransaction(argument: _tidelog_v1_AbortPartitionTransactionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_AbortPartitionTransactionResponse__Output>): grpc.ClientUnaryCall;
  AbortPartitionTransaction(argument: _tidelog_v1_AbortPartitionTransactionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AbortPartitionTransactionResponse__Output>): grpc.ClientUnaryCall;
  AbortPartitionTransaction(argument: _tidelog_v1_AbortPartitionTransactionRequest, callback: grpc.requestCallback<_tidelog_v1_AbortPartitionTransactionResponse__Output>): grpc.ClientUnaryCall;
  /**
   * An operator's last resort for a hanging transaction (one no coordinator will end):
   * the partition's leader writes an ABORT marker for the producer's open transaction
   * there, as Kafka's `kafka-transactions abort --topic --partition --producer-id`.
   */
  abortPartitionTransaction(argument: _tidelog_v1_AbortPartitionTransactionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AbortPartitionTransactionResponse__Output>): grpc.ClientUnaryCall;
  abortPartitionTransaction(argument: _tidelog_v1_AbortPartitionTransactionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_AbortPartitionTransactionResponse__Output>): grpc.ClientUnaryCall;
  abortPartitionTransaction(argument: _tidelog_v1_AbortPartitionTransactionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_AbortPartitionTransactionResponse__Output>): grpc.ClientUnaryCall;
  abortPartitionTransaction(argument: _tidelog_v1_AbortPartitionTransactionRequest, callback: grpc.requestCallback<_tidelog_v1_AbortPartitionTransactionResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Kafka's DeleteRecords, sent to the partition's leader: moves its log start offset up
   * to `offset` (-1: the high watermark); records below it are gone for every reader.
   */
  DeleteRecords(argument: _tidelog_v1_DeleteRecordsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DeleteRecordsResponse__Output>): grpc.ClientUnaryCall;
  DeleteRecords(argument: _tidelog_v1_DeleteRecordsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DeleteRecordsResponse__Output>): grpc.ClientUnaryCall;
  DeleteRecords(argument: _tidelog_v1_DeleteRecordsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DeleteRecordsResponse__Output>): grpc.ClientUnaryCall;
  DeleteRecords(argument: _tidelog_v1_DeleteRecordsRequest, callback: grpc.requestCallback<_tidelog_v1_DeleteRecordsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Kafka's DeleteRecords, sent to the partition's leader: moves its log start offset up
   * to `offset` (-1: the high watermark); records below it are gone for every reader.
   */
  deleteRecords(argument: _tidelog_v1_DeleteRecordsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DeleteRecordsResponse__Output>): grpc.ClientUnaryCall;
  deleteRecords(argument: _tidelog_v1_DeleteRecordsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DeleteRecordsResponse__Output>): grpc.ClientUnaryCall;
  deleteRecords(argument: _tidelog_v1_DeleteRecordsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DeleteRecordsResponse__Output>): grpc.ClientUnaryCall;
  deleteRecords(argument: _tidelog_v1_DeleteRecordsRequest, callback: grpc.requestCallback<_tidelog_v1_DeleteRecordsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The transactions open on partitions this broker leads (Kafka's DescribeProducers),
   * with each partition's high watermark and last stable offset: what
   * `tidelog transactions find-hanging` compares with the coordinators' view.
   */
  DescribeProducers(argument: _tidelog_v1_DescribeProducersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeProducersResponse__Output>): grpc.ClientUnaryCall;
  DescribeProducers(argument: _tidelog_v1_DescribeProducersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DescribeProducersResponse__Output>): grpc.ClientUnaryCall;
  DescribeProducers(argument: _tidelog_v1_DescribeProducersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeProducersResponse__Output>): grpc.ClientUnaryCall;
  DescribeProducers(argument: _tidelog_v1_DescribeProducersRequest, callback: grpc.requestCallback<_tidelog_v1_DescribeProducersResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The transactions open on partitions this broker leads (Kafka's DescribeProducers),
   * with each partition's high watermark and last stable offset: what
   * `tidelog transactions find-hanging` compares with the coordinators' view.
   */
  describeProducers(argument: _tidelog_v1_DescribeProducersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeProducersResponse__Output>): grpc.ClientUnaryCall;
  describeProducers(argument: _tidelog_v1_DescribeProducersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_DescribeProducersResponse__Output>): grpc.ClientUnaryCall;
  describeProducers(argument: _tidelog_v1_DescribeProducersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_DescribeProducersResponse__Output>): grpc.ClientUnaryCall;
  describeProducers(argument: _tidelog_v1_DescribeProducersRequest, callback: grpc.requestCallback<_tidelog_v1_DescribeProducersResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Long-poll fetch: answered when min_bytes are available or max_wait_ms has passed.
   */
  Fetch(argument: _tidelog_v1_FetchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _tidelog_v1_FetchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _tidelog_v1_FetchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _tidelog_v1_FetchRequest, callback: grpc.requestCallback<_tidelog_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Long-poll fetch: answered when min_bytes are available or max_wait_ms has passed.
   */
  fetch(argument: _tidelog_v1_FetchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _tidelog_v1_FetchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _tidelog_v1_FetchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _tidelog_v1_FetchRequest, callback: grpc.requestCallback<_tidelog_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * A producer id and epoch for an idempotent producer; unique across the cluster.
   */
  InitProducerId(argument: _tidelog_v1_InitProducerIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  InitProducerId(argument: _tidelog_v1_InitProducerIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  InitProducerId(argument: _tidelog_v1_InitProducerIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  InitProducerId(argument: _tidelog_v1_InitProducerIdRequest, callback: grpc.requestCallback<_tidelog_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  /**
   * A producer id and epoch for an idempotent producer; unique across the cluster.
   */
  initProducerId(argument: _tidelog_v1_InitProducerIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  initProducerId(argument: _tidelog_v1_InitProducerIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  initProducerId(argument: _tidelog_v1_InitProducerIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  initProducerId(argument: _tidelog_v1_InitProducerIdRequest, callback: grpc.requestCallback<_tidelog_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  
  ListOffsets(argument: _tidelog_v1_ListOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ListOffsets(argument: _tidelog_v1_ListOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ListOffsets(argument: _tidelog_v1_ListOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ListOffsets(argument: _tidelog_v1_ListOffsetsRequest, callback: grpc.requestCallback<_tidelog_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _tidelog_v1_ListOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _tidelog_v1_ListOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _tidelog_v1_ListOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _tidelog_v1_ListOffsetsRequest, callback: grpc.requestCallback<_tidelog_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Leaders and replicas of topics, as this broker knows them.
   */
  Metadata(argument: _tidelog_v1_MetadataRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  Metadata(argument: _tidelog_v1_MetadataRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  Metadata(argument: _tidelog_v1_MetadataRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  Metadata(argument: _tidelog_v1_MetadataRequest, callback: grpc.requestCallback<_tidelog_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Leaders and replicas of topics, as this broker knows them.
   */
  metadata(argument: _tidelog_v1_MetadataRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  metadata(argument: _tidelog_v1_MetadataRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  metadata(argument: _tidelog_v1_MetadataRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  metadata(argument: _tidelog_v1_MetadataRequest, callback: grpc.requestCallback<_tidelog_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  
  Produce(argument: _tidelog_v1_ProduceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  Produce(argument: _tidelog_v1_ProduceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  Produce(argument: _tidelog_v1_ProduceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  Produce(argument: _tidelog_v1_ProduceRequest, callback: grpc.requestCallback<_tidelog_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _tidelog_v1_ProduceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _tidelog_v1_ProduceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _tidelog_v1_ProduceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _tidelog_v1_ProduceRequest, callback: grpc.requestCallback<_tidelog_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Many produce requests pipelined on one stream; each response echoes its request's
   * correlation_id, in the order the requests were sent.
   */
  ProduceStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_tidelog_v1_ProduceRequest, _tidelog_v1_ProduceResponse__Output>;
  ProduceStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_tidelog_v1_ProduceRequest, _tidelog_v1_ProduceResponse__Output>;
  /**
   * Many produce requests pipelined on one stream; each response echoes its request's
   * correlation_id, in the order the requests were sent.
   */
  produceStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_tidelog_v1_ProduceRequest, _tidelog_v1_ProduceResponse__Output>;
  produceStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_tidelog_v1_ProduceRequest, _tidelog_v1_ProduceResponse__Output>;
  
  /**
   * One produce request, answered once every partition is done (per `acks`).
   * SCRAM-SHA-256/512 authentication (Kafka's SaslAuthenticate), in two calls: the first
   * carries the client-first message and is answered with the server-first and a
   * session_id; the second carries that session_id and the client-final, and is answered
   * with the server-final and a token. Later calls to this broker carry the token as
   * "authorization: Bearer <token>" and act as that user.
   */
  SaslAuthenticate(argument: _tidelog_v1_SaslAuthenticateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_SaslAuthenticateResponse__Output>): grpc.ClientUnaryCall;
  SaslAuthenticate(argument: _tidelog_v1_SaslAuthenticateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_SaslAuthenticateResponse__Output>): grpc.ClientUnaryCall;
  SaslAuthenticate(argument: _tidelog_v1_SaslAuthenticateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_SaslAuthenticateResponse__Output>): grpc.ClientUnaryCall;
  SaslAuthenticate(argument: _tidelog_v1_SaslAuthenticateRequest, callback: grpc.requestCallback<_tidelog_v1_SaslAuthenticateResponse__Output>): grpc.ClientUnaryCall;
  /**
   * One produce request, answered once every partition is done (per `acks`).
   * SCRAM-SHA-256/512 authentication (Kafka's SaslAuthenticate), in two calls: the first
   * carries the client-first message and is answered with the server-first and a
   * session_id; the second carries that session_id and the client-final, and is answered
   * with the server-final and a token. Later calls to this broker carry the token as
   * "authorization: Bearer <token>" and act as that user.
   */
  saslAuthenticate(argument: _tidelog_v1_SaslAuthenticateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_SaslAuthenticateResponse__Output>): grpc.ClientUnaryCall;
  saslAuthenticate(argument: _tidelog_v1_SaslAuthenticateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tidelog_v1_SaslAuthenticateResponse__Output>): grpc.ClientUnaryCall;
  saslAuthenticate(argument: _tidelog_v1_SaslAuthenticateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tidelog_v1_SaslAuthenticateResponse__Output>): grpc.ClientUnaryCall;
  saslAuthenticate(argument: _tidelog_v1_SaslAuthenticateRequest, callback: grpc.requestCallback<_tidelog_v1_SaslAuthenticateResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface BrokerHandlers extends grpc.UntypedServiceImplementation {
  /**
   * An operator's last resort for a hanging transaction (one no coordinator will end):
   * the partition's leader writes an ABORT marker for the producer's open transaction
   * there, as Kafka's `kafka-transactions abort --topic --partition --producer-id`.
   */
  AbortPartitionTransaction: grpc.handleUnaryCall<_tidelog_v1_AbortPartitionTransactionRequest__Output, _tidelog_v1_AbortPartitionTransactionResponse>;
  
  /**
   * Kafka's DeleteRecords, sent to the partition's leader: moves its log start offset up
   * to `offset` (-1: the high watermark); records below it are gone for every reader.
   */
  DeleteRecords: grpc.handleUnaryCall<_tidelog_v1_DeleteRecordsRequest__Output, _tidelog_v1_DeleteRecordsResponse>;
  
  /**
   * The transactions open on partitions this broker leads (Kafka's DescribeProducers),
   * with each partition's high watermark and last stable offset: what
   * `tidelog transactions find-hanging` compares with the coordinators' view.
   */
  DescribeProducers: grpc.handleUnaryCall<_tidelog_v1_DescribeProducersRequest__Output, _tidelog_v1_DescribeProducersResponse>;
  
  /**
   * Long-poll fetch: answered when min_bytes are available or max_wait_ms has passed.
   */
  Fetch: grpc.handleUnaryCall<_tidelog_v1_FetchRequest__Output, _tidelog_v1_FetchResponse>;
  
  /**
   * A producer id and epoch for an idempotent producer; unique across the cluster.
   */
  InitProducerId: grpc.handleUnaryCall<_tidelog_v1_InitProducerIdRequest__Output, _tidelog_v1_InitProducerIdResponse>;
  
  ListOffsets: grpc.handleUnaryCall<_tidelog_v1_ListOffsetsRequest__Output, _tidelog_v1_ListOffsetsResponse>;
  
  /**
   * Leaders and replicas of topics, as this broker knows them.
   */
  Metadata: grpc.handleUnaryCall<_tidelog_v1_MetadataRequest__Output, _tidelog_v1_MetadataResponse>;
  
  Produce: grpc.handleUnaryCall<_tidelog_v1_ProduceRequest__Output, _tidelog_v1_ProduceResponse>;
  
  /**
   * Many produce requests pipelined on one stream; each response echoes its request's
   * correlation_id, in the order the requests were sent.
   */
  ProduceStream: grpc.handleBidiStreamingCall<_tidelog_v1_ProduceRequest__Output, _tidelog_v1_ProduceResponse>;
  
  /**
   * One produce request, answered once every partition is done (per `acks`).
   * SCRAM-SHA-256/512 authentication (Kafka's SaslAuthenticate), in two calls: the first
   * carries the client-first message and is answered with the server-first and a
   * session_id; the second carries that session_id and the client-final, and is answered
   * with the server-final and a token. Later calls to this broker carry the token as
   * "authorization: Bearer <token>" and act as that user.
   */
  SaslAuthenticate: grpc.handleUnaryCall<_tidelog_v1_SaslAuthenticateRequest__Output, _tidelog_v1_SaslAuthenticateResponse>;
  
}

export interface BrokerDefinition extends grpc.ServiceDefinition {
  AbortPartitionTransaction: MethodDefinition<_tidelog_v1_AbortPartitionTransactionRequest, _tidelog_v1_AbortPartitionTransactionResponse, _tidelog_v1_AbortPartitionTransactionRequest__Output, _tidelog_v1_AbortPartitionTransactionResponse__Output>
  DeleteRecords: MethodDefinition<_tidelog_v1_DeleteRecordsRequest, _tidelog_v1_DeleteRecordsResponse, _tidelog_v1_DeleteRecordsRequest__Output, _tidelog_v1_DeleteRecordsResponse__Output>
  DescribeProducers: MethodDefinition<_tidelog_v1_DescribeProducersRequest, _tidelog_v1_DescribeProducersResponse, _tidelog_v1_DescribeProducersRequest__Output, _tidelog_v1_DescribeProducersResponse__Output>
  Fetch: MethodDefinition<_tidelog_v1_FetchRequest, _tidelog_v1_FetchResponse, _tidelog_v1_FetchRequest__Output, _tidelog_v1_FetchResponse__Output>
  InitProducerId: MethodDefinition<_tidelog_v1_InitProducerIdRequest, _tidelog_v1_InitProducerIdResponse, _tidelog_v1_InitProducerIdRequest__Output, _tidelog_v1_InitProducerIdResponse__Output>
  ListOffsets: MethodDefinition<_tidelog_v1_ListOffsetsRequest, _tidelog_v1_ListOffsetsResponse, _tidelog_v1_ListOffsetsRequest__Output, _tidelog_v1_ListOffsetsResponse__Output>
  Metadata: MethodDefinition<_tidelog_v1_MetadataRequest, _tidelog_v1_MetadataResponse, _tidelog_v1_MetadataRequest__Output, _tidelog_v1_MetadataResponse__Output>
  Produce: MethodDefinition<_tidelog_v1_ProduceRequest, _tidelog_v1_ProduceResponse, _tidelog_v1_ProduceRequest__Output, _tidelog_v1_ProduceResponse__Output>
  ProduceStream: MethodDefinition<_tidelog_v1_ProduceRequest, _tidelog_v1_ProduceResponse, _tidelog_v1_ProduceRequest__Output, _tidelog_v1_ProduceResponse__Output>
  SaslAuthenticate: MethodDefinition<_tidelog_v1_SaslAuthenticateRequest, _tidelog_v1_SaslAuthenticateResponse, _tidelog_v1_SaslAuthenticateRequest__Output, _tidelog_v1_SaslAuthenticateResponse__Output>
}
