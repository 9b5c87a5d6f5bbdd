// Original file: proto/tidelog/v1/broker.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { Long } from '@grpc/proto-loader';

export interface InitProducerIdResponse {
  'error'?: (_tidelog_v1_ErrorInfo | null);
  'producerId'?: (number | string | Long);
  'producerEpoch'?: (number);
}

export interface InitProducerIdResponse__Output {
  'error': (_tidelog_v1_ErrorInfo__Output | null);
  'producerId': (number);
  'producerEpoch': (number);
}
