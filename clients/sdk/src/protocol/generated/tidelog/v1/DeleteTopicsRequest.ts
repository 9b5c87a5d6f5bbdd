// Original file: proto/tidelog/v1/admin.proto


export interface DeleteTopicsRequest {
  'topics'?: (string)[];
}

export interface DeleteTopicsRequest__Output {
  'topics': (string)[];
}
