// Original file: proto/tidelog/v1/txn.proto


export interface AbortTransactionRequest {
  'transactionalId'?: (string);
}

export interface AbortTransactionRequest__Output {
  'transactionalId': (string);
}
