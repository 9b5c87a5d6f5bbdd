// Original file: proto/tidelog/v1/broker.proto

import type { PartitionFetchData as _tidelog_v1_PartitionFetchData, PartitionFetchData__Output as _tidelog_v1_PartitionFetchData__Output } from '../../tidelog/v1/PartitionFetchData.js';

export interface TopicFetchData {
  'topic'?: (string);
  'partitions'?: (_tidelog_v1_PartitionFetchData)[];
}

export interface TopicFetchData__Output {
  'topic': (string);
  'partitions': (_tidelog_v1_PartitionFetchData__Output)[];
}
