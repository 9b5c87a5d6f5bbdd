// Original file: proto/tidelog/v1/admin.proto


export interface TopicConfigAlteration {
  'name'?: (string);
  /**
   * Settings to set, by Kafka name (retention.ms, ...).
   */
  'set'?: ({[key: string]: string});
  /**
   * Settings to return to the broker default.
   */
  'delete'?: (string)[];
}

export interface TopicConfigAlteration__Output {
  'name': (string);
  /**
   * Settings to set, by Kafka name (retention.ms, ...).
   */
  'set': ({[key: string]: string});
  /**
   * Settings to return to the broker default.
   */
  'delete': (string)[];
}
