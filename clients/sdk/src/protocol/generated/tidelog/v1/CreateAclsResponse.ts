// Original file: proto/tidelog/v1/admin.proto

import type { AclCreationResult as _tidelog_v1_AclCreationResult, AclCreationResult__Output as _tidelog_v1_AclCreationResult__Output } from '../../tidelog/v1/AclCreationResult.js';
import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';

export interface CreateAclsResponse {
  /**
   * One per creation, in order. Creating an ACL that exists succeeds.
   */
  'results'?: (_tidelog_v1_AclCreationResult)[];
  'error'?: (_tidelog_v1_ErrorInfo | null);
}

export interface CreateAclsResponse__Output {
  /**
   * One per creation, in order. Creating an ACL that exists succeeds.
   */
  'results': (_tidelog_v1_AclCreationResult__Output)[];
  'error': (_tidelog_v1_ErrorInfo__Output | null);
}
