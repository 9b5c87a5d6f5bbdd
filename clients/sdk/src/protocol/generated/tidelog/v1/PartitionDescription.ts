// Original file: proto/tidelog/v1/admin.proto


export interface PartitionDescription {
  'partition'?: (number);
  /**
   * -1 when the partition is offline (no live in-sync replica).
   */
  'leader'?: (number);
  'leaderEpoch'?: (number);
  'replicas'?: (number)[];
  'isr'?: (number)[];
  'partitionEpoch'?: (number);
  /**
   * Replicas on brokers that are not registered (not alive).
   */
  'offlineReplicas'?: (number)[];
}

export interface PartitionDescription__Output {
  'partition': (number);
  /**
   * -1 when the partition is offline (no live in-sync replica).
   */
  'leader': (number);
  'leaderEpoch': (number);
  'replicas': (number)[];
  'isr': (number)[];
  'partitionEpoch': (number);
  /**
   * Replicas on brokers that are not registered (not alive).
   */
  'offlineReplicas': (number)[];
}
