// Original file: proto/tidelog/v1/admin.proto


/**
 * match_type EXACT (this name), DEFAULT (the <default> entity) or ANY (any, default too).
 */
export interface QuotaFilterPart {
  'entityType'?: (string);
  'matchType'?: (string);
  'name'?: (string);
}

/**
 * match_type EXACT (this name), DEFAULT (the <default> entity) or ANY (any, default too).
 */
export interface QuotaFilterPart__Output {
  'entityType': (string);
  'matchType': (string);
  'name': (string);
}
