// Original file: proto/tidelog/v1/broker.proto

import type { ReplicaFetchPartitionData as _tidelog_v1_ReplicaFetchPartitionData, ReplicaFetchPartitionData__Output as _tidelog_v1_ReplicaFetchPartitionData__Output } from '../../tidelog/v1/ReplicaFetchPartitionData.js';

export interface ReplicaFetchResponse {
  'partitions'?: (_tidelog_v1_ReplicaFetchPartitionData)[];
}

export interface ReplicaFetchResponse__Output {
  'partitions': (_tidelog_v1_ReplicaFetchPartitionData__Output)[];
}
