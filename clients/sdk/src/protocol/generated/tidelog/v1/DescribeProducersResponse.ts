// Original file: proto/tidelog/v1/broker.proto

import type { PartitionProducers as _tidelog_v1_PartitionProducers, PartitionProducers__Output as _tidelog_v1_PartitionProducers__Output } from '../../tidelog/v1/PartitionProducers.js';

export interface DescribeProducersResponse {
  'partitions'?: (_tidelog_v1_PartitionProducers)[];
}

export interface DescribeProducersResponse__Output {
  'partitions': (_tidelog_v1_PartitionProducers__Output)[];
}
