// Original file: proto/tidelog/v1/broker.proto

import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';
import type { PartitionMetadata as _tidelog_v1_PartitionMetadata, PartitionMetadata__Output as _tidelog_v1_PartitionMetadata__Output } from '../../tidelog/v1/PartitionMetadata.js';

export interface TopicMetadata {
  'name'?: (string);
  'topicId'?: (string);
  'error'?: (_tidelog_v1_ErrorInfo | null);
  'partitions'?: (_tidelog_v1_PartitionMetadata)[];
}

export interface TopicMetadata__Output {
  'name': (string);
  'topicId': (string);
  'error': (_tidelog_v1_ErrorInfo__Output | null);
  'partitions': (_tidelog_v1_PartitionMetadata__Output)[];
}
