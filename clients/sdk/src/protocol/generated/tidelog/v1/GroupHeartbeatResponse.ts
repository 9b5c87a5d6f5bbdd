// Original file: proto/tidelog/v1/group.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { GroupTopicPartitions as _tidelog_v1_GroupTopicPartitions, GroupTopicPartitions__Output as _tidelog_v1_GroupTopicPartitions__Output } from '../../tidelog/v1/GroupTopicPartitions.js';

export interface GroupHeartbeatResponse {
  'error'?: (_tidelog_v1_ErrorInfo | null);
  'memberId'?: (string);
  'memberEpoch'?: (number);
  'heartbeatIntervalMs'?: (number);
  /**
   * Everything the member should own now. A partition missing here that the member
   * owns must be released (stop reading, commit, heartbeat at once).
   */
  'assignment'?: (_tidelog_v1_GroupTopicPartitions)[];
}

export interface GroupHeartbeatResponse__Output {
  'error': (_tidelog_v1_ErrorInfo__Output | null);
  'memberId': (string);
  'memberEpoch': (number);
  'heartbeatIntervalMs': (number);
  /**
   * Everything the member should own now. A partition missing here that the member
   * owns must be released (stop reading, commit, heartbeat at once).
   */
  'assignment': (_tidelog_v1_GroupTopicPartitions__Output)[];
}
