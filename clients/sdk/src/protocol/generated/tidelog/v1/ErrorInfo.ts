// Original file: proto/tidelog/v1/common.proto


export interface ErrorInfo {
  'code'?: (number);
  'message'?: (string);
}

export interface ErrorInfo__Output {
  'code': (number);
  'message': (string);
}
