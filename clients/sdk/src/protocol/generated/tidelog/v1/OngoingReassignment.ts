// Original file: proto/tidelog/v1/admin.proto


export interface OngoingReassignment {
  'topic'?: (string);
  'partition'?: (number);
  'originalReplicas'?: (number)[];
  'targetReplicas'?: (number)[];
  /**
   * The replica list while moving: the target's first, then those leaving.
   */
  'replicas'?: (number)[];
  'isr'?: (number)[];
  'leader'?: (number);
}

export interface OngoingReassignment__Output {
  'topic': (string);
  'partition': (number);
  'originalReplicas': (number)[];
  'targetReplicas': (number)[];
  /**
   * The replica list while moving: the target's first, then those leaving.
   */
  'replicas': (number)[];
  'isr': (number)[];
  'leader': (number);
}
