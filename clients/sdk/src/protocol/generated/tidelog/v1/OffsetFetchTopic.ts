// Original file: proto/tidelog/v1/group.proto

import type { OffsetFetchPartition as _tidelog_v1_OffsetFetchPartition, OffsetFetchPartition__Output as _tidelog_v1_OffsetFetchPartition__Output } from '../../tidelog/v1/OffsetFetchPartition.js';

export interface OffsetFetchTopic {
  'topic'?: (string);
  'partitions'?: (_tidelog_v1_OffsetFetchPartition)[];
}

export interface OffsetFetchTopic__Output {
  'topic': (string);
  'partitions': (_tidelog_v1_OffsetFetchPartition__Output)[];
}
