// Original file: proto/tidelog/v1/admin.proto

import type { ReassignmentResult as _tidelog_v1_ReassignmentResult, ReassignmentResult__Output as _tidelog_v1_ReassignmentResult__Output } from '../../tidelog/v1/ReassignmentResult.js';
import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';

export interface AlterPartitionReassignmentsResponse {
  'results'?: (_tidelog_v1_ReassignmentResult)[];
  'error'?: (_tidelog_v1_ErrorInfo | null);
}

export interface AlterPartitionReassignmentsResponse__Output {
  'results': (_tidelog_v1_ReassignmentResult__Output)[];
  'error': (_tidelog_v1_ErrorInfo__Output | null);
}
