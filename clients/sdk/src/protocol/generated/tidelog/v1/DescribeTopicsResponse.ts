// Original file: proto/tidelog/v1/admin.proto

import type { TopicDescription as _tidelog_v1_TopicDescription, TopicDescription__Output as _tidelog_v1_TopicDescription__Output } from '../../tidelog/v1/TopicDescription.js';

export interface DescribeTopicsResponse {
  'topics'?: (_tidelog_v1_TopicDescription)[];
}

export interface DescribeTopicsResponse__Output {
  'topics': (_tidelog_v1_TopicDescription__Output)[];
}
