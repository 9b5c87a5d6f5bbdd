// Original file: proto/tidelog/v1/broker.proto

import type { PartitionProduceResponse as _tidelog_v1_PartitionProduceResponse, PartitionProduceResponse__Output as _tidelog_v1_PartitionProduceResponse__Output } from '../../tidelog/v1/PartitionProduceResponse.js';

export interface TopicProduceResponse {
  'topic'?: (string);
  'partitions'?: (_tidelog_v1_PartitionProduceResponse)[];
}

export interface TopicProduceResponse__Output {
  'topic': (string);
  'partitions': (_tidelog_v1_PartitionProduceResponse__Output)[];
}
