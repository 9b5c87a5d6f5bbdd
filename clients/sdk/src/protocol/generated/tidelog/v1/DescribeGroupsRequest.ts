// Original file: proto/tidelog/v1/group.proto


export interface DescribeGroupsRequest {
  'groupIds'?: (string)[];
}

export interface DescribeGroupsRequest__Output {
  'groupIds': (string)[];
}
