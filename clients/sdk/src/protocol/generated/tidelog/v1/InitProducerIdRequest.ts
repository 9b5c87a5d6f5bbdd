// Original file: proto/tidelog/v1/broker.proto


export interface InitProducerIdRequest {
  /**
   * Empty for an idempotent (non-transactional) producer.
   */
  'transactionalId'?: (string);
  'transactionTimeoutMs'?: (number);
}

export interface InitProducerIdRequest__Output {
  /**
   * Empty for an idempotent (non-transactional) producer.
   */
  'transactionalId': (string);
  'transactionTimeoutMs': (number);
}
