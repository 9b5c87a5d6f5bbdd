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
  /**
   * Eligible leader replicas (KIP-966): replicas that left an ISR smaller than
   * min.insync.replicas and so still hold every acknowledged record.
   */
  'elr'?: (number)[];
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
  /**
   * Eligible leader replicas (KIP-966): replicas that left an ISR smaller than
   * min.insync.replicas and so still hold every acknowledged record.
   */
  'elr': (number)[];
}
