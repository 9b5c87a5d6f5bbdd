// Original file: proto/tidelog/v1/admin.proto


export interface PartitionsIncrease {
  'name'?: (string);
  /**
   * The new total number of partitions (it can only grow).
   */
  'totalCount'?: (number);
}

export interface PartitionsIncrease__Output {
  'name': (string);
  /**
   * The new total number of partitions (it can only grow).
   */
  'totalCount': (number);
}
