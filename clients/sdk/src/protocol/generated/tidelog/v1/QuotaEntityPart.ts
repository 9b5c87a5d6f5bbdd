// Original file: proto/tidelog/v1/admin.proto


/**
 * One part of a client quota's entity: entity_type "user" (a principal's name, without
 * "User:") or "client-id"; either a name, or is_default for Kafka's <default>.
 */
export interface QuotaEntityPart {
  'entityType'?: (string);
  'name'?: (string);
  'isDefault'?: (boolean);
}

/**
 * One part of a client quota's entity: entity_type "user" (a principal's name, without
 * "User:") or "client-id"; either a name, or is_default for Kafka's <default>.
 */
export interface QuotaEntityPart__Output {
  'entityType': (string);
  'name': (string);
  'isDefault': (boolean);
}
