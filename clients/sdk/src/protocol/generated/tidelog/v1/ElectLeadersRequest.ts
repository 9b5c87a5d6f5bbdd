// Original file: proto/tidelog/v1/admin.proto

import type { TopicPartitions as _tidelog_v1_TopicPartitions, TopicPartitions__Output as _tidelog_v1_TopicPartitions__Output } from '../../tidelog/v1/TopicPartitions.js';

export interface ElectLeadersRequest {
  /**
   * Empty: every partition of every topic.
   */
  'partitions'?: (_tidelog_v1_TopicPartitions)[];
}

export interface ElectLeadersRequest__Output {
  /**
   * Empty: every partition of every topic.
   */
  'partitions': (_tidelog_v1_TopicPartitions__Output)[];
}
