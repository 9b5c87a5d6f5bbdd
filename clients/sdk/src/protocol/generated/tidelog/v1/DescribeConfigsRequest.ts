// Original file: proto/tidelog/v1/admin.proto


export interface DescribeConfigsRequest {
  'topics'?: (string)[];
}

export interface DescribeConfigsRequest__Output {
  'topics': (string)[];
}
