// Original file: proto/tidelog/v1/group.proto

import type { DeleteGroupResult as _tidelog_v1_DeleteGroupResult, DeleteGroupResult__Output as _tidelog_v1_DeleteGroupResult__Output } from '../../tidelog/v1/DeleteGroupResult.js';

export interface DeleteGroupsResponse {
  'results'?: (_tidelog_v1_DeleteGroupResult)[];
}

export interface DeleteGroupsResponse__Output {
  'results': (_tidelog_v1_DeleteGroupResult__Output)[];
}
