// Original file: proto/tidelog/v1/broker.proto

import type { TopicFetchResponse as _tidelog_v1_TopicFetchResponse, TopicFetchResponse__Output as _tidelog_v1_TopicFetchResponse__Output } from '../../tidelog/v1/TopicFetchResponse.js';

export interface FetchResponse {
  'topics'?: (_tidelog_v1_TopicFetchResponse)[];
  /**
   * How long the broker held this answer back because the client was over a quota
   * (consumer_byte_rate or request_rate); 0 when it was not.
   */
  'throttleTimeMs'?: (number);
}

export interface FetchResponse__Output {
  'topics': (_tidelog_v1_TopicFetchResponse__Output)[];
  /**
   * How long the broker held this answer back because the client was over a quota
   * (consumer_byte_rate or request_rate); 0 when it was not.
   */
  'throttleTimeMs': (number);
}
