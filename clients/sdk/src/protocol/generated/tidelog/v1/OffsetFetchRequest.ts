// Original file: proto/tidelog/v1/group.proto

import type { GroupTopicPartitions as _tidelog_v1_GroupTopicPartitions, GroupTopicPartitions__Output as _tidelog_v1_GroupTopicPartitions__Output } from '../../tidelog/v1/GroupTopicPartitions.js';

export interface OffsetFetchRequest {
  'groupId'?: (string);
  /**
   * Empty: every partition with a committed offset.
   */
  'topics'?: (_tidelog_v1_GroupTopicPartitions)[];
  /**
   * True: a partition with a transactional commit still pending answers
   * UNSTABLE_OFFSET_COMMIT (retriable) instead of an offset that may be about to change.
   */
  'requireStable'?: (boolean);
}

export interface OffsetFetchRequest__Output {
  'groupId': (string);
  /**
   * Empty: every partition with a committed offset.
   */
  'topics': (_tidelog_v1_GroupTopicPartitions__Output)[];
  /**
   * True: a partition with a transactional commit still pending answers
   * UNSTABLE_OFFSET_COMMIT (retriable) instead of an offset that may be about to change.
   */
  'requireStable': (boolean);
}
