// Original file: proto/tidelog/v1/admin.proto

import type { AlterUserScramCredentialsResult as _tidelog_v1_AlterUserScramCredentialsResult, AlterUserScramCredentialsResult__Output as _tidelog_v1_AlterUserScramCredentialsResult__Output } from '../../tidelog/v1/AlterUserScramCredentialsResult.js';
import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';

export interface AlterUserScramCredentialsResponse {
  /**
   * One per user named, in the order first named.
   */
  'results'?: (_tidelog_v1_AlterUserScramCredentialsResult)[];
  'error'?: (_tidelog_v1_ErrorInfo | null);
}

export interface AlterUserScramCredentialsResponse__Output {
  /**
   * One per user named, in the order first named.
   */
  'results': (_tidelog_v1_AlterUserScramCredentialsResult__Output)[];
  'error': (_tidelog_v1_ErrorInfo__Output | null);
}
