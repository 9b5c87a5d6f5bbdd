// Original file: proto/tidelog/v1/admin.proto


export interface ListTopicsRequest {
  'includeInternal'?: (boolean);
}

export interface ListTopicsRequest__Output {
  'includeInternal': (boolean);
}
