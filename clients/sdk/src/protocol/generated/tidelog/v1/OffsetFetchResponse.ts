// Original file: proto/tidelog/v1/group.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { OffsetFetchTopic as _tidelog_v1_OffsetFetchTopic, OffsetFetchTopic__Output as _tidelog_v1_OffsetFetchTopic__Output } from '../../tidelog/v1/OffsetFetchTopic.js';

export interface OffsetFetchResponse {
  'error'?: (_tidelog_v1_ErrorInfo | null);
  'topics'?: (_tidelog_v1_OffsetFetchTopic)[];
}

export interface OffsetFetchResponse__Output {
  'error': (_tidelog_v1_ErrorInfo__Output | null);
  'topics': (_tidelog_v1_OffsetFetchTopic__Output)[];
}
