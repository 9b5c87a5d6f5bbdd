// Original file: proto/tidelog/v1/group.proto

import type { OffsetCommitTopic as _tidelog_v1_OffsetCommitTopic, OffsetCommitTopic__Output as _tidelog_v1_OffsetCommitTopic__Output } from '../../tidelog/v1/OffsetCommitTopic.js';
import type { Long } from '@grpc/proto-loader';

export interface TxnOffsetCommitRequest {
  'transactionalId'?: (string);
  'groupId'?: (string);
  'producerId'?: (number | string | Long);
  'producerEpoch'?: (number);
  /**
   * The consumer's member id and epoch (KIP-447); empty and -1 skip the check.
   */
  'memberId'?: (string);
  'memberEpoch'?: (number);
  'topics'?: (_tidelog_v1_OffsetCommitTopic)[];
}

export interface TxnOffsetCommitRequest__Output {
  'transactionalId': (string);
  'groupId': (string);
  'producerId': (number);
  'producerEpoch': (number);
  /**
   * The consumer's member id and epoch (KIP-447); empty and -1 skip the check.
   */
  'memberId': (string);
  'memberEpoch': (number);
  'topics': (_tidelog_v1_OffsetCommitTopic__Output)[];
}
