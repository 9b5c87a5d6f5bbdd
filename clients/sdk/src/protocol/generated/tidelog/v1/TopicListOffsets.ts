// Original file: proto/tidelog/v1/broker.proto

import type { PartitionListOffsets as _tidelog_v1_PartitionListOffsets, PartitionListOffsets__Output as _tidelog_v1_PartitionListOffsets__Output } from '../../tidelog/v1/PartitionListOffsets.js';

export interface TopicListOffsets {
  'topic'?: (string);
  'partitions'?: (_tidelog_v1_PartitionListOffsets)[];
}

export interface TopicListOffsets__Output {
  'topic': (string);
  'partitions': (_tidelog_v1_PartitionListOffsets__Output)[];
}
