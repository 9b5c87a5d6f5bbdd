// Original file: proto/tidelog/v1/txn.proto


export interface TxnTopicPartitions {
  'topic'?: (string);
  'partitions'?: (number)[];
}

export interface TxnTopicPartitions__Output {
  'topic': (string);
  'partitions': (number)[];
}
