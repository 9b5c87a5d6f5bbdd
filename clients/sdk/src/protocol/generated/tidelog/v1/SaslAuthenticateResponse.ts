// Original file: proto/tidelog/v1/broker.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { Long } from '@grpc/proto-loader';

export interface SaslAuthenticateResponse {
  'error'?: (_tidelog_v1_ErrorInfo | null);
  'sessionId'?: (string);
  'authBytes'?: (Buffer | Uint8Array | string);
  /**
   * Set once the exchange succeeded: what later calls carry.
   */
  'token'?: (string);
  /**
   * How long the token is good for; authenticate again before then.
   */
  'sessionLifetimeMs'?: (number | string | Long);
}

export interface SaslAuthenticateResponse__Output {
  'error': (_tidelog_v1_ErrorInfo__Output | null);
  'sessionId': (string);
  'authBytes': (Buffer);
  /**
   * Set once the exchange succeeded: what later calls carry.
   */
  'token': (string);
  /**
   * How long the token is good for; authenticate again before then.
   */
  'sessionLifetimeMs': (number);
}
