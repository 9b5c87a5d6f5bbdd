// Original file: proto/tidelog/v1/broker.proto

import type { PartitionFetchResponse as _tidelog_v1_PartitionFetchResponse, PartitionFetchResponse__Output as _tidelog_v1_PartitionFetchResponse__Output } from '../../tidelog/v1/PartitionFetchResponse.js';

export interface TopicFetchResponse {
  'topic'?: (string);
  'partitions'?: (_tidelog_v1_PartitionFetchResponse)[];
}

export interface TopicFetchResponse__Output {
  'topic': (string);
  'partitions': (_tidelog_v1_PartitionFetchResponse__Output)[];
}
