// Original file: proto/tidelog/v1/admin.proto


export interface PartitionReassignment {
  'topic'?: (string);
  'partition'?: (number);
  /**
   * The new replica list, preferred leader first; empty to cancel the partition's move.
   */
  'replicas'?: (number)[];
}

export interface PartitionReassignment__Output {
  'topic': (string);
  'partition': (number);
  /**
   * The new replica list, preferred leader first; empty to cancel the partition's move.
   */
  'replicas': (number)[];
}
