// Original file: proto/tidelog/v1/admin.proto

import type { ElectionResult as _tidelog_v1_ElectionResult, ElectionResult__Output as _tidelog_v1_ElectionResult__Output } from '../../tidelog/v1/ElectionResult.js';

export interface ElectLeadersResponse {
  'results'?: (_tidelog_v1_ElectionResult)[];
}

export interface ElectLeadersResponse__Output {
  'results': (_tidelog_v1_ElectionResult__Output)[];
}
