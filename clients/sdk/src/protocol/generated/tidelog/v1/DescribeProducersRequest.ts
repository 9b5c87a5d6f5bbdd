// Original file: proto/tidelog/v1/broker.proto

import type { DescribeProducersTopic as _tidelog_v1_DescribeProducersTopic, DescribeProducersTopic__Output as _tidelog_v1_DescribeProducersTopic__Output } from '../../tidelog/v1/DescribeProducersTopic.js';

export interface DescribeProducersRequest {
  'topics'?: (_tidelog_v1_DescribeProducersTopic)[];
}

export interface DescribeProducersRequest__Output {
  'topics': (_tidelog_v1_DescribeProducersTopic__Output)[];
}
