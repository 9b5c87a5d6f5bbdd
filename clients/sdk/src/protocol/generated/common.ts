import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { BrokerInfo as _tidelog_v1_BrokerInfo, BrokerInfo__Output as _tidelog_v1_BrokerInfo__Output } from './tidelog/v1/BrokerInfo.js';
import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from './tidelog/v1/ErrorInfo.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  tidelog: {
    v1: {
      BrokerInfo: MessageTypeDefinition<_tidelog_v1_BrokerInfo, _tidelog_v1_BrokerInfo__Output>
      ErrorInfo: MessageTypeDefinition<_tidelog_v1_ErrorInfo, _tidelog_v1_ErrorInfo__Output>
    }
  }
}

