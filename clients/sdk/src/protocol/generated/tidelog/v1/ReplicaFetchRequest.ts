// Original file: proto/tidelog/v1/broker.proto

import type { ReplicaFetchPartition as _tidelog_v1_ReplicaFetchPartition, ReplicaFetchPartition__Output as _tidelog_v1_ReplicaFetchPartition__Output } from '../../tidelog/v1/ReplicaFetchPartition.js';
import type { Long } from '@grpc/proto-loader';

export interface ReplicaFetchRequest {
  'replicaId'?: (number);
  'brokerEpoch'?: (number | string | Long);
  'maxWaitMs'?: (number);
  'minBytes'?: (number);
  'maxBytes'?: (number);
  'partitions'?: (_tidelog_v1_ReplicaFetchPartition)[];
  /**
   * False: `partitions` is every partition the follower fetches on this stream (the
   * stream's fetch session, KIP-227), replacing what it said before. True: only the
   * partitions whose fetch state changed since the last request; the others stand as
   * last sent. The first request on a stream is never incremental.
   */
  'incremental'?: (boolean);
}

export interface ReplicaFetchRequest__Output {
  'replicaId': (number);
  'brokerEpoch': (number);
  'maxWaitMs': (number);
  'minBytes': (number);
  'maxBytes': (number);
  'partitions': (_tidelog_v1_ReplicaFetchPartition__Output)[];
  /**
   * False: `partitions` is every partition the follower fetches on this stream (the
   * stream's fetch session, KIP-227), replacing what it said before. True: only the
   * partitions whose fetch state changed since the last request; the others stand as
   * last sent. The first request on a stream is never incremental.
   */
  'incremental': (boolean);
}
