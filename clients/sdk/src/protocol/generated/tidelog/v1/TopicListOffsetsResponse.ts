// Original file: proto/tidelog/v1/broker.proto

import type { PartitionListOffsetsResponse as _tidelog_v1_PartitionListOffsetsResponse, PartitionListOffsetsResponse__Output as _tidelog_v1_PartitionListOffsetsResponse__Output } from '../../tidelog/v1/PartitionListOffsetsResponse.js';

export interface TopicListOffsetsResponse {
  'topic'?: (string);
  'partitions'?: (_tidelog_v1_PartitionListOffsetsResponse)[];
}

export interface TopicListOffsetsResponse__Output {
  'topic': (string);
  'partitions': (_tidelog_v1_PartitionListOffsetsResponse__Output)[];
}
