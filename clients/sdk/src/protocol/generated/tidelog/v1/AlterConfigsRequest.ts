// Original file: proto/tidelog/v1/admin.proto

import type { TopicConfigAlteration as _tidelog_v1_TopicConfigAlteration, TopicConfigAlteration__Output as _tidelog_v1_TopicConfigAlteration__Output } from '../../tidelog/v1/TopicConfigAlteration.js';

export interface AlterConfigsRequest {
  'topics'?: (_tidelog_v1_TopicConfigAlteration)[];
  'validateOnly'?: (boolean);
}

export interface AlterConfigsRequest__Output {
  'topics': (_tidelog_v1_TopicConfigAlteration__Output)[];
  'validateOnly': (boolean);
}
