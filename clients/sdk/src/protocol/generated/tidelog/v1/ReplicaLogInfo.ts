// Original file: proto/tidelog/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface ReplicaLogInfo {
  'topic'?: (string);
  'partition'?: (number);
  'sizeBytes'?: (number | string | Long);
  'logStartOffset'?: (number | string | Long);
  'logEndOffset'?: (number | string | Long);
  'leader'?: (boolean);
}

export interface ReplicaLogInfo__Output {
  'topic': (string);
  'partition': (number);
  'sizeBytes': (number);
  'logStartOffset': (number);
  'logEndOffset': (number);
  'leader': (boolean);
}
