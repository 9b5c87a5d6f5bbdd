// Original file: proto/tidelog/v1/broker.proto

import type { TopicFetchData as _tidelog_v1_TopicFetchData, TopicFetchData__Output as _tidelog_v1_TopicFetchData__Output } from '../../tidelog/v1/TopicFetchData.js';

export interface FetchRequest {
  'maxWaitMs'?: (number);
  'minBytes'?: (number);
  'maxBytes'?: (number);
  /**
   * 0: read_uncommitted (up to the high watermark); 1: read_committed (up to the last
   * stable offset).
   */
  'isolationLevel'?: (number);
  'topics'?: (_tidelog_v1_TopicFetchData)[];
}

export interface FetchRequest__Output {
  'maxWaitMs': (number);
  'minBytes': (number);
  'maxBytes': (number);
  /**
   * 0: read_uncommitted (up to the high watermark); 1: read_committed (up to the last
   * stable offset).
   */
  'isolationLevel': (number);
  'topics': (_tidelog_v1_TopicFetchData__Output)[];
}
