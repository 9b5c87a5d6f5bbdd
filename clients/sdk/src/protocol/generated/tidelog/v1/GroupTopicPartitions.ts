// Original file: proto/tidelog/v1/group.proto


export interface GroupTopicPartitions {
  'topic'?: (string);
  'partitions'?: (number)[];
}

export interface GroupTopicPartitions__Output {
  'topic': (string);
  'partitions': (number)[];
}
