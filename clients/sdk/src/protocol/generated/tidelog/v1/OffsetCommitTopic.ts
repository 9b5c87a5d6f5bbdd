// Original file: proto/tidelog/v1/group.proto

import type { OffsetCommitPartition as _tidelog_v1_OffsetCommitPartition, OffsetCommitPartition__Output as _tidelog_v1_OffsetCommitPartition__Output } from '../../tidelog/v1/OffsetCommitPartition.js';

export interface OffsetCommitTopic {
  'topic'?: (string);
  'partitions'?: (_tidelog_v1_OffsetCommitPartition)[];
}

export interface OffsetCommitTopic__Output {
  'topic': (string);
  'partitions': (_tidelog_v1_OffsetCommitPartition__Output)[];
}
