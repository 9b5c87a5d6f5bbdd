// Original file: proto/tidelog/v1/admin.proto


export interface ScramCredentialDeletion {
  'name'?: (string);
  'mechanism'?: (string);
}

export interface ScramCredentialDeletion__Output {
  'name': (string);
  'mechanism': (string);
}
