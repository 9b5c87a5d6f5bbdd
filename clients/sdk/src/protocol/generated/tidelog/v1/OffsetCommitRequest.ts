// Original file: proto/tidelog/v1/group.proto

import type { OffsetCommitTopic as _tidelog_v1_OffsetCommitTopic, OffsetCommitTopic__Output as _tidelog_v1_OffsetCommitTopic__Output } from '../../tidelog/v1/OffsetCommitTopic.js';

export interface OffsetCommitRequest {
  'groupId'?: (string);
  /**
   * Empty with member_epoch -1 for an administrative commit (the group must have no
   * members), as `tidelog groups reset-offsets` does.
   */
  'memberId'?: (string);
  'memberEpoch'?: (number);
  'topics'?: (_tidelog_v1_OffsetCommitTopic)[];
}

export interface OffsetCommitRequest__Output {
  'groupId': (string);
  /**
   * Empty with member_epoch -1 for an administrative commit (the group must have no
   * members), as `tidelog groups reset-offsets` does.
   */
  'memberId': (string);
  'memberEpoch': (number);
  'topics': (_tidelog_v1_OffsetCommitTopic__Output)[];
}
