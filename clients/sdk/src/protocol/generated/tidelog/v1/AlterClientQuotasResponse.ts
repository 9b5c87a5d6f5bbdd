// Original file: proto/tidelog/v1/admin.proto

import type { AlterClientQuotasResult as _tidelog_v1_AlterClientQuotasResult, AlterClientQuotasResult__Output as _tidelog_v1_AlterClientQuotasResult__Output } from '../../tidelog/v1/AlterClientQuotasResult.js';
import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';

export interface AlterClientQuotasResponse {
  /**
   * One per entry, in order.
   */
  'results'?: (_tidelog_v1_AlterClientQuotasResult)[];
  'error'?: (_tidelog_v1_ErrorInfo | null);
}

export interface AlterClientQuotasResponse__Output {
  /**
   * One per entry, in order.
   */
  'results': (_tidelog_v1_AlterClientQuotasResult__Output)[];
  'error': (_tidelog_v1_ErrorInfo__Output | null);
}
