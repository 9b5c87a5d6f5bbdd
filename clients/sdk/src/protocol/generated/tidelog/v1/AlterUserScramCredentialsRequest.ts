// Original file: proto/tidelog/v1/admin.proto

import type { ScramCredentialDeletion as _tidelog_v1_ScramCredentialDeletion, ScramCredentialDeletion__Output as _tidelog_v1_ScramCredentialDeletion__Output } from '../../tidelog/v1/ScramCredentialDeletion.js';
import type { ScramCredentialUpsertion as _tidelog_v1_ScramCredentialUpsertion, ScramCredentialUpsertion__Output as _tidelog_v1_ScramCredentialUpsertion__Output } from '../../tidelog/v1/ScramCredentialUpsertion.js';

export interface AlterUserScramCredentialsRequest {
  'deletions'?: (_tidelog_v1_ScramCredentialDeletion)[];
  'upsertions'?: (_tidelog_v1_ScramCredentialUpsertion)[];
}

export interface AlterUserScramCredentialsRequest__Output {
  'deletions': (_tidelog_v1_ScramCredentialDeletion__Output)[];
  'upsertions': (_tidelog_v1_ScramCredentialUpsertion__Output)[];
}
