// Original file: proto/tidelog/v1/admin.proto


export interface ConfigEntry {
  'name'?: (string);
  'value'?: (string);
  'isDefault'?: (boolean);
  'doc'?: (string);
}

export interface ConfigEntry__Output {
  'name': (string);
  'value': (string);
  'isDefault': (boolean);
  'doc': (string);
}
