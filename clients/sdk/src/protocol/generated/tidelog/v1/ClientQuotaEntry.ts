// Original file: proto/tidelog/v1/admin.proto

import type { QuotaEntityPart as _tidelog_v1_QuotaEntityPart, QuotaEntityPart__Output as _tidelog_v1_QuotaEntityPart__Output } from '../../tidelog/v1/QuotaEntityPart.js';
import type { QuotaValue as _tidelog_v1_QuotaValue, QuotaValue__Output as _tidelog_v1_QuotaValue__Output } from '../../tidelog/v1/QuotaValue.js';

export interface ClientQuotaEntry {
  'entity'?: (_tidelog_v1_QuotaEntityPart)[];
  'values'?: (_tidelog_v1_QuotaValue)[];
}

export interface ClientQuotaEntry__Output {
  'entity': (_tidelog_v1_QuotaEntityPart__Output)[];
  'values': (_tidelog_v1_QuotaValue__Output)[];
}
