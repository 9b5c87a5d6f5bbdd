// Original file: proto/tidelog/v1/group.proto


export interface ListedGroup {
  'groupId'?: (string);
  'state'?: (string);
  'members'?: (number);
  'coordinatorId'?: (number);
}

export interface ListedGroup__Output {
  'groupId': (string);
  'state': (string);
  'members': (number);
  'coordinatorId': (number);
}
