// Original file: proto/tidelog/v1/txn.proto


export interface ListTransactionsRequest {
  /**
   * Empty: every state.
   */
  'states'?: (string)[];
}

export interface ListTransactionsRequest__Output {
  /**
   * Empty: every state.
   */
  'states': (string)[];
}
