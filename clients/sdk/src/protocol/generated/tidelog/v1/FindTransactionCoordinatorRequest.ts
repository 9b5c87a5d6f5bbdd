// Original file: proto/tidelog/v1/txn.proto


export interface FindTransactionCoordinatorRequest {
  'transactionalId'?: (string);
}

export interface FindTransactionCoordinatorRequest__Output {
  'transactionalId': (string);
}
