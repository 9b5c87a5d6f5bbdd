// Original file: proto/tidelog/v1/admin.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { AclBinding as _tidelog_v1_AclBinding, AclBinding__Output as _tidelog_v1_AclBinding__Output } from '../../tidelog/v1/AclBinding.js';

export interface DescribeAclsResponse {
  'error'?: (_tidelog_v1_ErrorInfo | null);
  'bindings'?: (_tidelog_v1_AclBinding)[];
}

export interface DescribeAclsResponse__Output {
  'error': (_tidelog_v1_ErrorInfo__Output | null);
  'bindings': (_tidelog_v1_AclBinding__Output)[];
}
