// Original file: proto/tidelog/v1/admin.proto

import type { QuotaFilterPart as _tidelog_v1_QuotaFilterPart, QuotaFilterPart__Output as _tidelog_v1_QuotaFilterPart__Output } from '../../tidelog/v1/QuotaFilterPart.js';

export interface DescribeClientQuotasRequest {
  /**
   * Every part must match; no parts: every entity.
   */
  'components'?: (_tidelog_v1_QuotaFilterPart)[];
  /**
   * Only entities with no entity types besides the components'.
   */
  'strict'?: (boolean);
}

export interface DescribeClientQuotasRequest__Output {
  /**
   * Every part must match; no parts: every entity.
   */
  'components': (_tidelog_v1_QuotaFilterPart__Output)[];
  /**
   * Only entities with no entity types besides the components'.
   */
  'strict': (boolean);
}
