// Original file: proto/tidelog/v1/admin.proto

import type { PartitionDescription as _tidelog_v1_PartitionDescription, PartitionDescription__Output as _tidelog_v1_PartitionDescription__Output } from '../../tidelog/v1/PartitionDescription.js';
import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';

export interface TopicDescription {
  'name'?: (string);
  'topicId'?: (string);
  'internal'?: (boolean);
  'partitions'?: (_tidelog_v1_PartitionDescription)[];
  /**
   * Only the settings the topic overrides; DescribeConfigs gives all of them.
   */
  'configs'?: ({[key: string]: string});
  'error'?: (_tidelog_v1_ErrorInfo | null);
}

export interface TopicDescription__Output {
  'name': (string);
  'topicId': (string);
  'internal': (boolean);
  'partitions': (_tidelog_v1_PartitionDescription__Output)[];
  /**
   * Only the settings the topic overrides; DescribeConfigs gives all of them.
   */
  'configs': ({[key: string]: string});
  'error': (_tidelog_v1_ErrorInfo__Output | null);
}
