// Original file: proto/tidelog/v1/broker.proto


export interface PartitionProduceData {
  'partition'?: (number);
  'records'?: (Buffer | Uint8Array | string);
}

export interface PartitionProduceData__Output {
  'partition': (number);
  'records': (Buffer);
}
