// Original file: proto/tidelog/v1/admin.proto

import type { ClientQuotaAlteration as _tidelog_v1_ClientQuotaAlteration, ClientQuotaAlteration__Output as _tidelog_v1_ClientQuotaAlteration__Output } from '../../tidelog/v1/ClientQuotaAlteration.js';

export interface AlterClientQuotasRequest {
  'entries'?: (_tidelog_v1_ClientQuotaAlteration)[];
  /**
   * Check every entry, change nothing.
   */
  'validateOnly'?: (boolean);
}

export interface AlterClientQuotasRequest__Output {
  'entries': (_tidelog_v1_ClientQuotaAlteration__Output)[];
  /**
   * Check every entry, change nothing.
   */
  'validateOnly': (boolean);
}
