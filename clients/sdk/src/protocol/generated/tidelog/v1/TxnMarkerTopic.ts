// Original file: proto/tidelog/v1/broker.proto


export interface TxnMarkerTopic {
  'topic'?: (string);
  'partitions'?: (number)[];
}

export interface TxnMarkerTopic__Output {
  'topic': (string);
  'partitions': (number)[];
}
