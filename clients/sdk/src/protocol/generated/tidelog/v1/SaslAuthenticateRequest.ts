// Original file: proto/tidelog/v1/broker.proto


export interface SaslAuthenticateRequest {
  /**
   * SCRAM-SHA-256 or SCRAM-SHA-512.
   */
  'mechanism'?: (string);
  /**
   * Empty on the first call; the first answer's session_id on the second.
   */
  'sessionId'?: (string);
  'authBytes'?: (Buffer | Uint8Array | string);
}

export interface SaslAuthenticateRequest__Output {
  /**
   * SCRAM-SHA-256 or SCRAM-SHA-512.
   */
  'mechanism': (string);
  /**
   * Empty on the first call; the first answer's session_id on the second.
   */
  'sessionId': (string);
  'authBytes': (Buffer);
}
