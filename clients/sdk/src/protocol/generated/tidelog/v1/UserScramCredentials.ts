// Original file: proto/tidelog/v1/admin.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { ScramCredentialInfo as _tidelog_v1_ScramCredentialInfo, ScramCredentialInfo__Output as _tidelog_v1_ScramCredentialInfo__Output } from '../../tidelog/v1/ScramCredentialInfo.js';

export interface UserScramCredentials {
  'name'?: (string);
  'error'?: (_tidelog_v1_ErrorInfo | null);
  'credentials'?: (_tidelog_v1_ScramCredentialInfo)[];
}

export interface UserScramCredentials__Output {
  'name': (string);
  'error': (_tidelog_v1_ErrorInfo__Output | null);
  'credentials': (_tidelog_v1_ScramCredentialInfo__Output)[];
}
