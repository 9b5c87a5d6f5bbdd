// Original file: proto/tidelog/v1/broker.proto

import type { Long } from '@grpc/proto-loader';

export interface PartitionListOffsets {
  'partition'?: (number);
  /**
   * -1: the latest offset (high watermark); -2: the earliest; else a timestamp (ms).
   */
  'timestamp'?: (number | string | Long);
}

export interface PartitionListOffsets__Output {
  'partition': (number);
  /**
   * -1: the latest offset (high watermark); -2: the earliest; else a timestamp (ms).
   */
  'timestamp': (number);
}
