// Original file: proto/tidelog/v1/admin.proto

import type { BrokerInfo as _tidelog_v1_BrokerInfo, BrokerInfo__Output as _tidelog_v1_BrokerInfo__Output } from '../../tidelog/v1/BrokerInfo.js';
import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { Long } from '@grpc/proto-loader';

export interface DescribeClusterResponse {
  'clusterId'?: (string);
  /**
   * -1 while no controller is elected.
   */
  'controllerId'?: (number);
  /**
   * The etcd create revision of the controller's election key: grows with every election.
   */
  'controllerEpoch'?: (number | string | Long);
  'brokers'?: (_tidelog_v1_BrokerInfo)[];
  /**
   * The broker that answered.
   */
  'answeredBy'?: (number);
  'error'?: (_tidelog_v1_ErrorInfo | null);
}

export interface DescribeClusterResponse__Output {
  'clusterId': (string);
  /**
   * -1 while no controller is elected.
   */
  'controllerId': (number);
  /**
   * The etcd create revision of the controller's election key: grows with every election.
   */
  'controllerEpoch': (number);
  'brokers': (_tidelog_v1_BrokerInfo__Output)[];
  /**
   * The broker that answered.
   */
  'answeredBy': (number);
  'error': (_tidelog_v1_ErrorInfo__Output | null);
}
