// Original file: proto/tidelog/v1/admin.proto


/**
 * producer_byte_rate, consumer_byte_rate (bytes/s) or request_rate (requests/s).
 */
export interface QuotaValue {
  'key'?: (string);
  'value'?: (number | string);
}

/**
 * producer_byte_rate, consumer_byte_rate (bytes/s) or request_rate (requests/s).
 */
export interface QuotaValue__Output {
  'key': (string);
  'value': (number);
}
