// Original file: proto/tidelog/v1/broker.proto

import type { TopicListOffsetsResponse as _tidelog_v1_TopicListOffsetsResponse, TopicListOffsetsResponse__Output as _tidelog_v1_TopicListOffsetsResponse__Output } from '../../tidelog/v1/TopicListOffsetsResponse.js';

export interface ListOffsetsResponse {
  'topics'?: (_tidelog_v1_TopicListOffsetsResponse)[];
}

export interface ListOffsetsResponse__Output {
  'topics': (_tidelog_v1_TopicListOffsetsResponse__Output)[];
}
