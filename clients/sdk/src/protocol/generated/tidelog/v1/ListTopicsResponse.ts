// Original file: proto/tidelog/v1/admin.proto

import type { TopicListing as _tidelog_v1_TopicListing, TopicListing__Output as _tidelog_v1_TopicListing__Output } from '../../tidelog/v1/TopicListing.js';
import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';

export interface ListTopicsResponse {
  'topics'?: (_tidelog_v1_TopicListing)[];
  'error'?: (_tidelog_v1_ErrorInfo | null);
}

export interface ListTopicsResponse__Output {
  'topics': (_tidelog_v1_TopicListing__Output)[];
  'error': (_tidelog_v1_ErrorInfo__Output | null);
}
