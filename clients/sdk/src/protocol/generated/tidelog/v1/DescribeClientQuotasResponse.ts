// Original file: proto/tidelog/v1/admin.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { ClientQuotaEntry as _tidelog_v1_ClientQuotaEntry, ClientQuotaEntry__Output as _tidelog_v1_ClientQuotaEntry__Output } from '../../tidelog/v1/ClientQuotaEntry.js';

export interface DescribeClientQuotasResponse {
  'error'?: (_tidelog_v1_ErrorInfo | null);
  'entries'?: (_tidelog_v1_ClientQuotaEntry)[];
}

export interface DescribeClientQuotasResponse__Output {
  'error': (_tidelog_v1_ErrorInfo__Output | null);
  'entries': (_tidelog_v1_ClientQuotaEntry__Output)[];
}
