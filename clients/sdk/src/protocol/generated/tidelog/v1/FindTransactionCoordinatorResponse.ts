// Original file: proto/tidelog/v1/txn.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { BrokerInfo as _tidelog_v1_BrokerInfo, BrokerInfo__Output as _tidelog_v1_BrokerInfo__Output } from '../../tidelog/v1/BrokerInfo.js';

export interface FindTransactionCoordinatorResponse {
  'error'?: (_tidelog_v1_ErrorInfo | null);
  'coordinatorId'?: (number);
  'coordinator'?: (_tidelog_v1_BrokerInfo | null);
  'partition'?: (number);
}

export interface FindTransactionCoordinatorResponse__Output {
  'error': (_tidelog_v1_ErrorInfo__Output | null);
  'coordinatorId': (number);
  'coordinator': (_tidelog_v1_BrokerInfo__Output | null);
  'partition': (number);
}
