// Original file: proto/tidelog/v1/broker.proto

import type { PartitionProduceData as _tidelog_v1_PartitionProduceData, PartitionProduceData__Output as _tidelog_v1_PartitionProduceData__Output } from '../../tidelog/v1/PartitionProduceData.js';

export interface TopicProduceData {
  'topic'?: (string);
  'partitions'?: (_tidelog_v1_PartitionProduceData)[];
}

export interface TopicProduceData__Output {
  'topic': (string);
  'partitions': (_tidelog_v1_PartitionProduceData__Output)[];
}
