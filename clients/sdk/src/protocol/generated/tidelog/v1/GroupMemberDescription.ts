// Original file: proto/tidelog/v1/group.proto

import type { GroupTopicPartitions as _tidelog_v1_GroupTopicPartitions, GroupTopicPartitions__Output as _tidelog_v1_GroupTopicPartitions__Output } from '../../tidelog/v1/GroupTopicPartitions.js';

export interface GroupMemberDescription {
  'memberId'?: (string);
  'instanceId'?: (string);
  'clientId'?: (string);
  'memberEpoch'?: (number);
  'subscribedTopics'?: (string)[];
  /**
   * What the member owns now, and what the coordinator wants it to own.
   */
  'assignment'?: (_tidelog_v1_GroupTopicPartitions)[];
  'targetAssignment'?: (_tidelog_v1_GroupTopicPartitions)[];
}

export interface GroupMemberDescription__Output {
  'memberId': (string);
  'instanceId': (string);
  'clientId': (string);
  'memberEpoch': (number);
  'subscribedTopics': (string)[];
  /**
   * What the member owns now, and what the coordinator wants it to own.
   */
  'assignment': (_tidelog_v1_GroupTopicPartitions__Output)[];
  'targetAssignment': (_tidelog_v1_GroupTopicPartitions__Output)[];
}
