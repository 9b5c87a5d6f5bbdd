// Original file: proto/tidelog/v1/admin.proto

import type { AclBindingFilter as _tidelog_v1_AclBindingFilter, AclBindingFilter__Output as _tidelog_v1_AclBindingFilter__Output } from '../../tidelog/v1/AclBindingFilter.js';

export interface DeleteAclsRequest {
  'filters'?: (_tidelog_v1_AclBindingFilter)[];
}

export interface DeleteAclsRequest__Output {
  'filters': (_tidelog_v1_AclBindingFilter__Output)[];
}
