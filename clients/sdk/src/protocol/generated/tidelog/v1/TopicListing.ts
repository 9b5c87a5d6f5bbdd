// Original file: proto/tidelog/v1/admin.proto


export interface TopicListing {
  'name'?: (string);
  'topicId'?: (string);
  'partitions'?: (number);
  'replicationFactor'?: (number);
  'internal'?: (boolean);
}

export interface TopicListing__Output {
  'name': (string);
  'topicId': (string);
  'partitions': (number);
  'replicationFactor': (number);
  'internal': (boolean);
}
