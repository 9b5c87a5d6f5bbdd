// Original file: proto/tidelog/v1/broker.proto


export interface DescribeProducersTopic {
  'topic'?: (string);
  'partitions'?: (number)[];
}

export interface DescribeProducersTopic__Output {
  'topic': (string);
  'partitions': (number)[];
}
