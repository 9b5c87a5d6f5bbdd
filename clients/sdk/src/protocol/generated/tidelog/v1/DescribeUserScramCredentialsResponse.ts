// Original file: proto/tidelog/v1/admin.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { UserScramCredentials as _tidelog_v1_UserScramCredentials, UserScramCredentials__Output as _tidelog_v1_UserScramCredentials__Output } from '../../tidelog/v1/UserScramCredentials.js';

export interface DescribeUserScramCredentialsResponse {
  'error'?: (_tidelog_v1_ErrorInfo | null);
  'users'?: (_tidelog_v1_UserScramCredentials)[];
}

export interface DescribeUserScramCredentialsResponse__Output {
  'error': (_tidelog_v1_ErrorInfo__Output | null);
  'users': (_tidelog_v1_UserScramCredentials__Output)[];
}
