// Original file: proto/tidelog/v1/broker.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ReplicaFetchRequest as _tidelog_v1_ReplicaFetchRequest, ReplicaFetchRequest__Output as _tidelog_v1_ReplicaFetchRequest__Output } from '../../tidelog/v1/ReplicaFetchRequest.js';
import type { ReplicaFetchResponse as _tidelog_v1_ReplicaFetchResponse, ReplicaFetchResponse__Output as _tidelog_v1_ReplicaFetchResponse__Output } from '../../tidelog/v1/ReplicaFetchResponse.js';

export interface ReplicationClient extends grpc.Client {
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
  
}

export interface ReplicationHandlers extends grpc.UntypedServiceImplementation {
  /**
   * A follower broker's fetch stream to one leader broker, carrying every partition it
   * follows there. The follower sends a request, the leader answers it (long poll), the
   * follower sends the next: one stream per leader, not one call per partition.
   */
  ReplicaFetch: grpc.handleBidiStreamingCall<_tidelog_v1_ReplicaFetchRequest__Output, _tidelog_v1_ReplicaFetchResponse>;
  
}

export interface ReplicationDefinition extends grpc.ServiceDefinition {
  ReplicaFetch: MethodDefinition<_tidelog_v1_ReplicaFetchRequest, _tidelog_v1_ReplicaFetchResponse, _tidelog_v1_ReplicaFetchRequest__Output, _tidelog_v1_ReplicaFetchResponse__Output>
}
