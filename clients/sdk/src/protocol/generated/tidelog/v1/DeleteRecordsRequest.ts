// Original file: proto/tidelog/v1/broker.proto

import type { Long } from '@grpc/proto-loader';

export interface DeleteRecordsRequest {
  'topic'?: (string);
  'partition'?: (number);
  /**
   * Delete every record below this offset; -1 for the high watermark (everything
   * committed). Past the high watermark: OFFSET_OUT_OF_RANGE.
   */
  'offset'?: (number | string | Long);
}

export interface DeleteRecordsRequest__Output {
  'topic': (string);
  'partition': (number);
  /**
   * Delete every record below this offset; -1 for the high watermark (everything
   * committed). Past the high watermark: OFFSET_OUT_OF_RANGE.
   */
  'offset': (number);
}
