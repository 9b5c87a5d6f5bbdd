// Original file: proto/tidelog/v1/broker.proto

import type { TopicProduceResponse as _tidelog_v1_TopicProduceResponse, TopicProduceResponse__Output as _tidelog_v1_TopicProduceResponse__Output } from '../../tidelog/v1/TopicProduceResponse.js';
import type { Long } from '@grpc/proto-loader';

export interface ProduceResponse {
  'correlationId'?: (number | string | Long);
  'topics'?: (_tidelog_v1_TopicProduceResponse)[];
  /**
   * How long the broker held this answer back because the client was over a quota
   * (producer_byte_rate or request_rate); 0 when it was not.
   */
  'throttleTimeMs'?: (number);
}

export interface ProduceResponse__Output {
  'correlationId': (number);
  'topics': (_tidelog_v1_TopicProduceResponse__Output)[];
  /**
   * How long the broker held this answer back because the client was over a quota
   * (producer_byte_rate or request_rate); 0 when it was not.
   */
  'throttleTimeMs': (number);
}
