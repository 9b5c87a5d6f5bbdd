// Original file: proto/tidelog/v1/txn.proto


export interface DescribeTransactionsRequest {
  'transactionalIds'?: (string)[];
}

export interface DescribeTransactionsRequest__Output {
  'transactionalIds': (string)[];
}
