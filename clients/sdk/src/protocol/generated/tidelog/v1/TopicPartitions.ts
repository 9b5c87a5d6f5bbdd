// Original file: proto/tidelog/v1/admin.proto


export interface TopicPartitions {
  'topic'?: (string);
  /**
   * Empty: every partition of the topic.
   */
  'partitions'?: (number)[];
}

export interface TopicPartitions__Output {
  'topic': (string);
  /**
   * Empty: every partition of the topic.
   */
  'partitions': (number)[];
}
