// Original file: proto/tidelog/v1/broker.proto

import type { Long } from '@grpc/proto-loader';

export interface ReplicaLogEnd {
  'topic'?: (string);
  'partition'?: (number);
  /**
   * Leader epoch of the log's last batch; -1 when the log is empty or not here.
   */
  'lastEpoch'?: (number);
  'logEndOffset'?: (number | string | Long);
}

export interface ReplicaLogEnd__Output {
  'topic': (string);
  'partition': (number);
  /**
   * Leader epoch of the log's last batch; -1 when the log is empty or not here.
   */
  'lastEpoch': (number);
  'logEndOffset': (number);
}
