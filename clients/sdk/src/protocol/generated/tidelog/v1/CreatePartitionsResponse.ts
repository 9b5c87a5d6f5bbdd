// Original file: proto/tidelog/v1/admin.proto

import type { TopicResult as _tidelog_v1_TopicResult, TopicResult__Output as _tidelog_v1_TopicResult__Output } from '../../tidelog/v1/TopicResult.js';

export interface CreatePartitionsResponse {
  'results'?: (_tidelog_v1_TopicResult)[];
}

export interface CreatePartitionsResponse__Output {
  'results': (_tidelog_v1_TopicResult__Output)[];
}
