// Original file: proto/tidelog/v1/admin.proto

import type { ReplicaAssignment as _tidelog_v1_ReplicaAssignment, ReplicaAssignment__Output as _tidelog_v1_ReplicaAssignment__Output } from '../../tidelog/v1/ReplicaAssignment.js';

export interface NewTopic {
  'name'?: (string);
  /**
   * 0: the broker's num.partitions.
   */
  'partitions'?: (number);
  /**
   * 0: the broker's default.replication.factor.
   */
  'replicationFactor'?: (number);
  'configs'?: ({[key: string]: string});
  /**
   * Optional explicit assignment; when given, partitions and replication_factor are 0.
   */
  'assignments'?: (_tidelog_v1_ReplicaAssignment)[];
}

export interface NewTopic__Output {
  'name': (string);
  /**
   * 0: the broker's num.partitions.
   */
  'partitions': (number);
  /**
   * 0: the broker's default.replication.factor.
   */
  'replicationFactor': (number);
  'configs': ({[key: string]: string});
  /**
   * Optional explicit assignment; when given, partitions and replication_factor are 0.
   */
  'assignments': (_tidelog_v1_ReplicaAssignment__Output)[];
}
