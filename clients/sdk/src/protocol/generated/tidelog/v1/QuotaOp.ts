// Original file: proto/tidelog/v1/admin.proto


/**
 * Set a quota (remove false, value > 0) or remove it.
 */
export interface QuotaOp {
  'key'?: (string);
  'value'?: (number | string);
  'remove'?: (boolean);
}

/**
 * Set a quota (remove false, value > 0) or remove it.
 */
export interface QuotaOp__Output {
  'key': (string);
  'value': (number);
  'remove': (boolean);
}
