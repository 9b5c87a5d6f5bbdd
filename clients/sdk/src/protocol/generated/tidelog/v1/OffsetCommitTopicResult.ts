// Original file: proto/tidelog/v1/group.proto

import type { OffsetCommitPartitionResult as _tidelog_v1_OffsetCommitPartitionResult, OffsetCommitPartitionResult__Output as _tidelog_v1_OffsetCommitPartitionResult__Output } from '../../tidelog/v1/OffsetCommitPartitionResult.js';

export interface OffsetCommitTopicResult {
  'topic'?: (string);
  'partitions'?: (_tidelog_v1_OffsetCommitPartitionResult)[];
}

export interface OffsetCommitTopicResult__Output {
  'topic': (string);
  'partitions': (_tidelog_v1_OffsetCommitPartitionResult__Output)[];
}
