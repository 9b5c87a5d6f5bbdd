// Original file: proto/tidelog/v1/admin.proto

import type { PartitionsIncrease as _tidelog_v1_PartitionsIncrease, PartitionsIncrease__Output as _tidelog_v1_PartitionsIncrease__Output } from '../../tidelog/v1/PartitionsIncrease.js';

export interface CreatePartitionsRequest {
  'topics'?: (_tidelog_v1_PartitionsIncrease)[];
  'validateOnly'?: (boolean);
}

export interface CreatePartitionsRequest__Output {
  'topics': (_tidelog_v1_PartitionsIncrease__Output)[];
  'validateOnly': (boolean);
}
