// Original file: proto/tidelog/v1/admin.proto


export interface DescribeClusterRequest {
}

export interface DescribeClusterRequest__Output {
}
