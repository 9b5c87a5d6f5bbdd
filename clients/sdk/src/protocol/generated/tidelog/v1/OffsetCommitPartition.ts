// Original file: proto/tidelog/v1/group.proto

import type { Long } from '@grpc/proto-loader';

export interface OffsetCommitPartition {
  'partition'?: (number);
  'offset'?: (number | string | Long);
  'leaderEpoch'?: (number);
  'metadata'?: (string);
}

export interface OffsetCommitPartition__Output {
  'partition': (number);
  'offset': (number);
  'leaderEpoch': (number);
  'metadata': (string);
}
