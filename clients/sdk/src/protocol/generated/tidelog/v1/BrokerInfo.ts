// Original file: proto/tidelog/v1/common.proto


export interface BrokerInfo {
  'id'?: (number);
  'host'?: (string);
  'port'?: (number);
  'httpPort'?: (number);
  'rack'?: (string);
}

export interface BrokerInfo__Output {
  'id': (number);
  'host': (string);
  'port': (number);
  'httpPort': (number);
  'rack': (string);
}
