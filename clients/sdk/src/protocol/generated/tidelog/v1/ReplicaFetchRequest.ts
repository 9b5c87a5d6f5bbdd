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
}

export interface ReplicaFetchRequest__Output {
  'replicaId': (number);
  'brokerEpoch': (number);
  'maxWaitMs': (number);
  'minBytes': (number);
  'maxBytes': (number);
  'partitions': (_tidelog_v1_ReplicaFetchPartition__Output)[];
}
