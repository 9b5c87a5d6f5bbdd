// Original file: proto/tidelog/v1/broker.proto

import type { BrokerInfo as _tidelog_v1_BrokerInfo, BrokerInfo__Output as _tidelog_v1_BrokerInfo__Output } from '../../tidelog/v1/BrokerInfo.js';
import type { TopicMetadata as _tidelog_v1_TopicMetadata, TopicMetadata__Output as _tidelog_v1_TopicMetadata__Output } from '../../tidelog/v1/TopicMetadata.js';

export interface MetadataResponse {
  'clusterId'?: (string);
  'controllerId'?: (number);
  'brokers'?: (_tidelog_v1_BrokerInfo)[];
  'topics'?: (_tidelog_v1_TopicMetadata)[];
}

export interface MetadataResponse__Output {
  'clusterId': (string);
  'controllerId': (number);
  'brokers': (_tidelog_v1_BrokerInfo__Output)[];
  'topics': (_tidelog_v1_TopicMetadata__Output)[];
}
