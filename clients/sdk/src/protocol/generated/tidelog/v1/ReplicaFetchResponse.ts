// Original file: proto/tidelog/v1/broker.proto

import type { ReplicaFetchPartitionData as _tidelog_v1_ReplicaFetchPartitionData, ReplicaFetchPartitionData__Output as _tidelog_v1_ReplicaFetchPartitionData__Output } from '../../tidelog/v1/ReplicaFetchPartitionData.js';
import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';

export interface ReplicaFetchResponse {
  'partitions'?: (_tidelog_v1_ReplicaFetchPartitionData)[];
  /**
   * True when this leader keeps fetch sessions (see ReplicaFetchRequest.incremental). A
   * follower sends incremental requests only after an answer that says so, so an older
   * leader, which would take an incremental request for the whole set, never gets one.
   */
  'keepsSessions'?: (boolean);
  /**
   * Set when the whole request was refused and no partition was read: a replica id or
   * broker epoch that is not a live registration (STALE_BROKER_EPOCH). The follower
   * backs off and reopens the stream with its current epoch.
   */
  'error'?: (_tidelog_v1_ErrorInfo | null);
}

export interface ReplicaFetchResponse__Output {
  'partitions': (_tidelog_v1_ReplicaFetchPartitionData__Output)[];
  /**
   * True when this leader keeps fetch sessions (see ReplicaFetchRequest.incremental). A
   * follower sends incremental requests only after an answer that says so, so an older
   * leader, which would take an incremental request for the whole set, never gets one.
   */
  'keepsSessions': (boolean);
  /**
   * Set when the whole request was refused and no partition was read: a replica id or
   * broker epoch that is not a live registration (STALE_BROKER_EPOCH). The follower
   * backs off and reopens the stream with its current epoch.
   */
  'error': (_tidelog_v1_ErrorInfo__Output | null);
}
