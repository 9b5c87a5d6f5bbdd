// Original file: proto/tidelog/v1/group.proto

import type { GroupDescription as _tidelog_v1_GroupDescription, GroupDescription__Output as _tidelog_v1_GroupDescription__Output } from '../../tidelog/v1/GroupDescription.js';

export interface DescribeGroupsResponse {
  'groups'?: (_tidelog_v1_GroupDescription)[];
}

export interface DescribeGroupsResponse__Output {
  'groups': (_tidelog_v1_GroupDescription__Output)[];
}
