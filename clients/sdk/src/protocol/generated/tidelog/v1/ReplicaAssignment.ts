// Original file: proto/tidelog/v1/admin.proto


export interface ReplicaAssignment {
  'partition'?: (number);
  'replicas'?: (number)[];
}

export interface ReplicaAssignment__Output {
  'partition': (number);
  'replicas': (number)[];
}
