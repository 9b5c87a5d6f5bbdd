// Original file: proto/tidelog/v1/group.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { GroupMemberDescription as _tidelog_v1_GroupMemberDescription, GroupMemberDescription__Output as _tidelog_v1_GroupMemberDescription__Output } from '../../tidelog/v1/GroupMemberDescription.js';

export interface GroupDescription {
  'groupId'?: (string);
  'error'?: (_tidelog_v1_ErrorInfo | null);
  /**
   * "empty", "assigning", "reconciling" or "stable" (GROUP_ID_NOT_FOUND when unknown).
   */
  'state'?: (string);
  'groupEpoch'?: (number);
  'assignmentEpoch'?: (number);
  'assignor'?: (string);
  'coordinatorId'?: (number);
  'members'?: (_tidelog_v1_GroupMemberDescription)[];
}

export interface GroupDescription__Output {
  'groupId': (string);
  'error': (_tidelog_v1_ErrorInfo__Output | null);
  /**
   * "empty", "assigning", "reconciling" or "stable" (GROUP_ID_NOT_FOUND when unknown).
   */
  'state': (string);
  'groupEpoch': (number);
  'assignmentEpoch': (number);
  'assignor': (string);
  'coordinatorId': (number);
  'members': (_tidelog_v1_GroupMemberDescription__Output)[];
}
