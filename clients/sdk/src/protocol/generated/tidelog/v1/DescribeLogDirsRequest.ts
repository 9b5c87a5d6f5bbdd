// Original file: proto/tidelog/v1/admin.proto


export interface DescribeLogDirsRequest {
}

export interface DescribeLogDirsRequest__Output {
}
