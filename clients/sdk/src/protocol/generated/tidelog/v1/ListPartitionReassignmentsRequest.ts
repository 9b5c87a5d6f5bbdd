// Original file: proto/tidelog/v1/admin.proto


export interface ListPartitionReassignmentsRequest {
  /**
   * Empty: every topic.
   */
  'topics'?: (string)[];
}

export interface ListPartitionReassignmentsRequest__Output {
  /**
   * Empty: every topic.
   */
  'topics': (string)[];
}
