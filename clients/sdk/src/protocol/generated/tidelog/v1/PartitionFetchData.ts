// Original file: proto/tidelog/v1/broker.proto

import type { Long } from '@grpc/proto-loader';

export interface PartitionFetchData {
  'partition'?: (number);
  'fetchOffset'?: (number | string | Long);
  'partitionMaxBytes'?: (number);
  /**
   * The leader epoch the client believes current; -1 to skip the check.
   */
  'currentLeaderEpoch'?: (number);
}

export interface PartitionFetchData__Output {
  'partition': (number);
  'fetchOffset': (number);
  'partitionMaxBytes': (number);
  /**
   * The leader epoch the client believes current; -1 to skip the check.
   */
  'currentLeaderEpoch': (number);
}
