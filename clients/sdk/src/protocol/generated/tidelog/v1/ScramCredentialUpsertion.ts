// Original file: proto/tidelog/v1/admin.proto


export interface ScramCredentialUpsertion {
  'name'?: (string);
  /**
   * SCRAM-SHA-256 or SCRAM-SHA-512.
   */
  'mechanism'?: (string);
  'iterations'?: (number);
  'salt'?: (Buffer | Uint8Array | string);
  'saltedPassword'?: (Buffer | Uint8Array | string);
}

export interface ScramCredentialUpsertion__Output {
  'name': (string);
  /**
   * SCRAM-SHA-256 or SCRAM-SHA-512.
   */
  'mechanism': (string);
  'iterations': (number);
  'salt': (Buffer);
  'saltedPassword': (Buffer);
}
