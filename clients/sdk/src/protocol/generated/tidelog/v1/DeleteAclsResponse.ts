// Original file: proto/tidelog/v1/admin.proto

import type { DeleteAclsFilterResult as _tidelog_v1_DeleteAclsFilterResult, DeleteAclsFilterResult__Output as _tidelog_v1_DeleteAclsFilterResult__Output } from '../../tidelog/v1/DeleteAclsFilterResult.js';
import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';

export interface DeleteAclsResponse {
  /**
   * One per filter, in order.
   */
  'results'?: (_tidelog_v1_DeleteAclsFilterResult)[];
  'error'?: (_tidelog_v1_ErrorInfo | null);
}

export interface DeleteAclsResponse__Output {
  /**
   * One per filter, in order.
   */
  'results': (_tidelog_v1_DeleteAclsFilterResult__Output)[];
  'error': (_tidelog_v1_ErrorInfo__Output | null);
}
