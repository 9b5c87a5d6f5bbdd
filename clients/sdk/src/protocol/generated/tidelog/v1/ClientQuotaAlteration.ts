// Original file: proto/tidelog/v1/admin.proto

import type { QuotaEntityPart as _tidelog_v1_QuotaEntityPart, QuotaEntityPart__Output as _tidelog_v1_QuotaEntityPart__Output } from '../../tidelog/v1/QuotaEntityPart.js';
import type { QuotaOp as _tidelog_v1_QuotaOp, QuotaOp__Output as _tidelog_v1_QuotaOp__Output } from '../../tidelog/v1/QuotaOp.js';

export interface ClientQuotaAlteration {
  'entity'?: (_tidelog_v1_QuotaEntityPart)[];
  'ops'?: (_tidelog_v1_QuotaOp)[];
}

export interface ClientQuotaAlteration__Output {
  'entity': (_tidelog_v1_QuotaEntityPart__Output)[];
  'ops': (_tidelog_v1_QuotaOp__Output)[];
}
