// Original file: proto/tidelog/v1/broker.proto

import type { TopicFetchResponse as _tidelog_v1_TopicFetchResponse, TopicFetchResponse__Output as _tidelog_v1_TopicFetchResponse__Output } from '../../tidelog/v1/TopicFetchResponse.js';

export interface FetchResponse {
  'topics'?: (_tidelog_v1_TopicFetchResponse)[];
}

export interface FetchResponse__Output {
  'topics': (_tidelog_v1_TopicFetchResponse__Output)[];
}
