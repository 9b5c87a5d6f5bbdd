// Original file: proto/tidelog/v1/broker.proto

import type { TopicListOffsets as _tidelog_v1_TopicListOffsets, TopicListOffsets__Output as _tidelog_v1_TopicListOffsets__Output } from '../../tidelog/v1/TopicListOffsets.js';

export interface ListOffsetsRequest {
  'isolationLevel'?: (number);
  'topics'?: (_tidelog_v1_TopicListOffsets)[];
}

export interface ListOffsetsRequest__Output {
  'isolationLevel': (number);
  'topics': (_tidelog_v1_TopicListOffsets__Output)[];
}
