// Original file: proto/tidelog/v1/broker.proto

import type { Long } from '@grpc/proto-loader';

export interface ReplicaFetchPartition {
  'topic'?: (string);
  'partition'?: (number);
  /**
   * The follower's log end offset: where it wants to read from.
   */
  'fetchOffset'?: (number | string | Long);
  /**
   * The leader epoch the follower believes current, checked by the leader.
   */
  'currentLeaderEpoch'?: (number);
  /**
   * The epoch of the last batch in the follower's log (-1 for an empty log), so the
   * leader can tell whether the follower's log diverged from its own.
   */
  'lastFetchedEpoch'?: (number);
  'maxBytes'?: (number);
  /**
   * The follower's log start offset, so the leader knows when every in-sync replica has
   * followed a DeleteRecords (its low watermark); -1 when unknown (an older follower).
   */
  'logStartOffset'?: (number | string | Long);
}

export interface ReplicaFetchPartition__Output {
  'topic': (string);
  'partition': (number);
  /**
   * The follower's log end offset: where it wants to read from.
   */
  'fetchOffset': (number);
  /**
   * The leader epoch the follower believes current, checked by the leader.
   */
  'currentLeaderEpoch': (number);
  /**
   * The epoch of the last batch in the follower's log (-1 for an empty log), so the
   * leader can tell whether the follower's log diverged from its own.
   */
  'lastFetchedEpoch': (number);
  'maxBytes': (number);
  /**
   * The follower's log start offset, so the leader knows when every in-sync replica has
   * followed a DeleteRecords (its low watermark); -1 when unknown (an older follower).
   */
  'logStartOffset': (number);
}
