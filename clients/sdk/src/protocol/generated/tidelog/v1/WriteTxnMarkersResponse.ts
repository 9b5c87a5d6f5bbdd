// Original file: proto/tidelog/v1/broker.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { TxnMarkerResult as _tidelog_v1_TxnMarkerResult, TxnMarkerResult__Output as _tidelog_v1_TxnMarkerResult__Output } from '../../tidelog/v1/TxnMarkerResult.js';

export interface WriteTxnMarkersResponse {
  /**
   * A refusal of the whole request (STALE_BROKER_EPOCH): nothing written.
   */
  'error'?: (_tidelog_v1_ErrorInfo | null);
  'markers'?: (_tidelog_v1_TxnMarkerResult)[];
}

export interface WriteTxnMarkersResponse__Output {
  /**
   * A refusal of the whole request (STALE_BROKER_EPOCH): nothing written.
   */
  'error': (_tidelog_v1_ErrorInfo__Output | null);
  'markers': (_tidelog_v1_TxnMarkerResult__Output)[];
}
