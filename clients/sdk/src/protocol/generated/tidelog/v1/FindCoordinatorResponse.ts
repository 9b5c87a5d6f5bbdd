// Original file: proto/tidelog/v1/group.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { BrokerInfo as _tidelog_v1_BrokerInfo, BrokerInfo__Output as _tidelog_v1_BrokerInfo__Output } from '../../tidelog/v1/BrokerInfo.js';

export interface FindCoordinatorResponse {
  'error'?: (_tidelog_v1_ErrorInfo | null);
  /**
   * -1 when unknown (with COORDINATOR_NOT_AVAILABLE): try again shortly.
   */
  'coordinatorId'?: (number);
  'coordinator'?: (_tidelog_v1_BrokerInfo | null);
  /**
   * The partition of __consumer_offsets holding the group.
   */
  'partition'?: (number);
}

export interface FindCoordinatorResponse__Output {
  'error': (_tidelog_v1_ErrorInfo__Output | null);
  /**
   * -1 when unknown (with COORDINATOR_NOT_AVAILABLE): try again shortly.
   */
  'coordinatorId': (number);
  'coordinator': (_tidelog_v1_BrokerInfo__Output | null);
  /**
   * The partition of __consumer_offsets holding the group.
   */
  'partition': (number);
}
