// Original file: proto/tidelog/v1/admin.proto

import type { AclBindingFilter as _tidelog_v1_AclBindingFilter, AclBindingFilter__Output as _tidelog_v1_AclBindingFilter__Output } from '../../tidelog/v1/AclBindingFilter.js';

export interface DescribeAclsRequest {
  'filter'?: (_tidelog_v1_AclBindingFilter | null);
}

export interface DescribeAclsRequest__Output {
  'filter': (_tidelog_v1_AclBindingFilter__Output | null);
}
