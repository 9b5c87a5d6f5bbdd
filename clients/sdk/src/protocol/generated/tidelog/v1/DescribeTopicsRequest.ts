// Original file: proto/tidelog/v1/admin.proto


export interface DescribeTopicsRequest {
  /**
   * Empty: every topic (internal ones included).
   */
  'topics'?: (string)[];
}

export interface DescribeTopicsRequest__Output {
  /**
   * Empty: every topic (internal ones included).
   */
  'topics': (string)[];
}
