// Original file: proto/tidelog/v1/group.proto

import type { GroupTopicPartitions as _tidelog_v1_GroupTopicPartitions, GroupTopicPartitions__Output as _tidelog_v1_GroupTopicPartitions__Output } from '../../tidelog/v1/GroupTopicPartitions.js';

export interface GroupHeartbeatRequest {
  'groupId'?: (string);
  /**
   * Empty when joining: the coordinator assigns one.
   */
  'memberId'?: (string);
  /**
   * 0 to join, the epoch last received to stay, -1 to leave, -2 to leave temporarily
   * (static members: the assignment is kept for session_timeout_ms).
   */
  'memberEpoch'?: (number);
  /**
   * group.instance.id: a static member keeps its assignment across restarts.
   */
  'instanceId'?: (string);
  'sessionTimeoutMs'?: (number);
  'rebalanceTimeoutMs'?: (number);
  'subscribedTopics'?: (string)[];
  /**
   * "range", "roundrobin" or "sticky"; empty: the group's current one.
   */
  'assignor'?: (string);
  /**
   * What the member owns now (revoked partitions are absent once released).
   */
  'ownedPartitions'?: (_tidelog_v1_GroupTopicPartitions)[];
  'clientId'?: (string);
}

export interface GroupHeartbeatRequest__Output {
  'groupId': (string);
  /**
   * Empty when joining: the coordinator assigns one.
   */
  'memberId': (string);
  /**
   * 0 to join, the epoch last received to stay, -1 to leave, -2 to leave temporarily
   * (static members: the assignment is kept for session_timeout_ms).
   */
  'memberEpoch': (number);
  /**
   * group.instance.id: a static member keeps its assignment across restarts.
   */
  'instanceId': (string);
  'sessionTimeoutMs': (number);
  'rebalanceTimeoutMs': (number);
  'subscribedTopics': (string)[];
  /**
   * "range", "roundrobin" or "sticky"; empty: the group's current one.
   */
  'assignor': (string);
  /**
   * What the member owns now (revoked partitions are absent once released).
   */
  'ownedPartitions': (_tidelog_v1_GroupTopicPartitions__Output)[];
  'clientId': (string);
}
