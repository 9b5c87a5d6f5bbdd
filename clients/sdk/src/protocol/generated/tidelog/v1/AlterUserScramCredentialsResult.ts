// Original file: proto/tidelog/v1/admin.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';

export interface AlterUserScramCredentialsResult {
  'name'?: (string);
  'error'?: (_tidelog_v1_ErrorInfo | null);
}

export interface AlterUserScramCredentialsResult__Output {
  'name': (string);
  'error': (_tidelog_v1_ErrorInfo__Output | null);
}
