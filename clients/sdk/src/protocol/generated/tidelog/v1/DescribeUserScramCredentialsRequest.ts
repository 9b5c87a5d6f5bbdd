// Original file: proto/tidelog/v1/admin.proto


export interface DescribeUserScramCredentialsRequest {
  /**
   * Empty: every user.
   */
  'names'?: (string)[];
}

export interface DescribeUserScramCredentialsRequest__Output {
  /**
   * Empty: every user.
   */
  'names': (string)[];
}
