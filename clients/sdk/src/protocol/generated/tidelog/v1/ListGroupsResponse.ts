// Original file: proto/tidelog/v1/group.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { ListedGroup as _tidelog_v1_ListedGroup, ListedGroup__Output as _tidelog_v1_ListedGroup__Output } from '../../tidelog/v1/ListedGroup.js';

export interface ListGroupsResponse {
  'error'?: (_tidelog_v1_ErrorInfo | null);
  'groups'?: (_tidelog_v1_ListedGroup)[];
}

export interface ListGroupsResponse__Output {
  'error': (_tidelog_v1_ErrorInfo__Output | null);
  'groups': (_tidelog_v1_ListedGroup__Output)[];
}
