// Original file: proto/tidelog/v1/admin.proto

import type { AclBinding as _tidelog_v1_AclBinding, AclBinding__Output as _tidelog_v1_AclBinding__Output } from '../../tidelog/v1/AclBinding.js';

export interface CreateAclsRequest {
  'creations'?: (_tidelog_v1_AclBinding)[];
}

export interface CreateAclsRequest__Output {
  'creations': (_tidelog_v1_AclBinding__Output)[];
}
