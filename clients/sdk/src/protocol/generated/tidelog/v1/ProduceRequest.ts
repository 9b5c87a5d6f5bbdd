// Original file: proto/tidelog/v1/broker.proto

import type { TopicProduceData as _tidelog_v1_TopicProduceData, TopicProduceData__Output as _tidelog_v1_TopicProduceData__Output } from '../../tidelog/v1/TopicProduceData.js';
import type { Long } from '@grpc/proto-loader';

export interface ProduceRequest {
  /**
   * Chosen by the client, echoed in the response (needed on ProduceStream).
   */
  'correlationId'?: (number | string | Long);
  /**
   * 0: no answer is awaited (the response still comes, without waiting for the log);
   * 1: answered once the leader has appended; -1 (all): once every in-sync replica has.
   */
  'acks'?: (number);
  'timeoutMs'?: (number);
  'transactionalId'?: (string);
  'topics'?: (_tidelog_v1_TopicProduceData)[];
}

export interface ProduceRequest__Output {
  /**
   * Chosen by the client, echoed in the response (needed on ProduceStream).
   */
  'correlationId': (number);
  /**
   * 0: no answer is awaited (the response still comes, without waiting for the log);
   * 1: answered once the leader has appended; -1 (all): once every in-sync replica has.
   */
  'acks': (number);
  'timeoutMs': (number);
  'transactionalId': (string);
  'topics': (_tidelog_v1_TopicProduceData__Output)[];
}
