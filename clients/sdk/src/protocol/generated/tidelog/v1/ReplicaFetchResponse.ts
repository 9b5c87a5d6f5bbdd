// Original file: proto/tidelog/v1/broker.proto

import type { ReplicaFetchPartitionData as _tidelog_v1_ReplicaFetchPartitionData, ReplicaFetchPartitionData__Output as _tidelog_v1_ReplicaFetchPartitionData__Output } from '../../tidelog/v1/ReplicaFetchPartitionData.js';

export interface ReplicaFetchResponse {
  'partitions'?: (_tidelog_v1_ReplicaFetchPartitionData)[];
  /**
   * True when this leader keeps fetch sessions (see ReplicaFetchRequest.incremental). A
   * follower sends incremental requests only after an answer that says so, so an older
   * leader, which would take an incremental request for the whole set, never gets one.
   */
  'keepsSessions'?: (boolean);
}

export interface ReplicaFetchResponse__Output {
  'partitions': (_tidelog_v1_ReplicaFetchPartitionData__Output)[];
  /**
   * True when this leader keeps fetch sessions (see ReplicaFetchRequest.incremental). A
   * follower sends incremental requests only after an answer that says so, so an older
   * leader, which would take an incremental request for the whole set, never gets one.
   */
  'keepsSessions': (boolean);
}
