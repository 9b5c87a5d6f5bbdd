// Original file: proto/tidelog/v1/group.proto


export interface ListGroupsRequest {
}

export interface ListGroupsRequest__Output {
}
