// Original file: proto/tidelog/v1/admin.proto

import type { NewTopic as _tidelog_v1_NewTopic, NewTopic__Output as _tidelog_v1_NewTopic__Output } from '../../tidelog/v1/NewTopic.js';

export interface CreateTopicsRequest {
  'topics'?: (_tidelog_v1_NewTopic)[];
  /**
   * Check everything, change nothing.
   */
  'validateOnly'?: (boolean);
}

export interface CreateTopicsRequest__Output {
  'topics': (_tidelog_v1_NewTopic__Output)[];
  /**
   * Check everything, change nothing.
   */
  'validateOnly': (boolean);
}
