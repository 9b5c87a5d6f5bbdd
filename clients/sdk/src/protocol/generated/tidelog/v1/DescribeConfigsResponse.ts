// Original file: proto/tidelog/v1/admin.proto

import type { TopicConfigs as _tidelog_v1_TopicConfigs, TopicConfigs__Output as _tidelog_v1_TopicConfigs__Output } from '../../tidelog/v1/TopicConfigs.js';

export interface DescribeConfigsResponse {
  'topics'?: (_tidelog_v1_TopicConfigs)[];
}

export interface DescribeConfigsResponse__Output {
  'topics': (_tidelog_v1_TopicConfigs__Output)[];
}
