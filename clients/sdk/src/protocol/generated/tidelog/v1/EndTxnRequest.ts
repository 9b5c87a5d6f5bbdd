// Original file: proto/tidelog/v1/txn.proto

import type { Long } from '@grpc/proto-loader';

export interface EndTxnRequest {
  'transactionalId'?: (string);
  'producerId'?: (number | string | Long);
  'producerEpoch'?: (number);
  'commit'?: (boolean);
  /**
   * Chosen by the client, echoed in the response (needed on EndTxnStream).
   */
  'correlationId'?: (number | string | Long);
}

export interface EndTxnRequest__Output {
  'transactionalId': (string);
  'producerId': (number);
  'producerEpoch': (number);
  'commit': (boolean);
  /**
   * Chosen by the client, echoed in the response (needed on EndTxnStream).
   */
  'correlationId': (number);
}
