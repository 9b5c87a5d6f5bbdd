// Original file: proto/tidelog/v1/group.proto

import type { Long } from '@grpc/proto-loader';

export interface OffsetFetchPartition {
  'partition'?: (number);
  /**
   * -1 when nothing is committed.
   */
  'offset'?: (number | string | Long);
  'leaderEpoch'?: (number);
  'metadata'?: (string);
  'commitTimestamp'?: (number | string | Long);
}

export interface OffsetFetchPartition__Output {
  'partition': (number);
  /**
   * -1 when nothing is committed.
   */
  'offset': (number);
  'leaderEpoch': (number);
  'metadata': (string);
  'commitTimestamp': (number);
}
