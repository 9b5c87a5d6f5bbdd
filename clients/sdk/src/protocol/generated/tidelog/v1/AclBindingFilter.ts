// Original file: proto/tidelog/v1/admin.proto


/**
 * Which ACLs to describe or delete: an empty field matches anything. pattern_type may
 * also be ANY (the default) or MATCH: every ACL that applies to the literal
 * resource_name given (its own, the "*" wildcard and prefixes of it).
 */
export interface AclBindingFilter {
  'principal'?: (string);
  'host'?: (string);
  'resourceType'?: (string);
  'resourceName'?: (string);
  'patternType'?: (string);
  'operation'?: (string);
  'permission'?: (string);
}

/**
 * Which ACLs to describe or delete: an empty field matches anything. pattern_type may
 * also be ANY (the default) or MATCH: every ACL that applies to the literal
 * resource_name given (its own, the "*" wildcard and prefixes of it).
 */
export interface AclBindingFilter__Output {
  'principal': (string);
  'host': (string);
  'resourceType': (string);
  'resourceName': (string);
  'patternType': (string);
  'operation': (string);
  'permission': (string);
}
