// Original file: proto/tidelog/v1/group.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { OffsetCommitTopicResult as _tidelog_v1_OffsetCommitTopicResult, OffsetCommitTopicResult__Output as _tidelog_v1_OffsetCommitTopicResult__Output } from '../../tidelog/v1/OffsetCommitTopicResult.js';

export interface OffsetCommitResponse {
  /**
   * A group-level refusal (NOT_COORDINATOR, STALE_MEMBER_EPOCH, ...): nothing stored.
   */
  'error'?: (_tidelog_v1_ErrorInfo | null);
  'topics'?: (_tidelog_v1_OffsetCommitTopicResult)[];
}

export interface OffsetCommitResponse__Output {
  /**
   * A group-level refusal (NOT_COORDINATOR, STALE_MEMBER_EPOCH, ...): nothing stored.
   */
  'error': (_tidelog_v1_ErrorInfo__Output | null);
  'topics': (_tidelog_v1_OffsetCommitTopicResult__Output)[];
}
