// Original file: proto/tidelog/v1/admin.proto


export interface ScramCredentialInfo {
  'mechanism'?: (string);
  'iterations'?: (number);
}

export interface ScramCredentialInfo__Output {
  'mechanism': (string);
  'iterations': (number);
}
