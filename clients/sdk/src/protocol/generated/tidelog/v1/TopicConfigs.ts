// Original file: proto/tidelog/v1/admin.proto

import type { ConfigEntry as _tidelog_v1_ConfigEntry, ConfigEntry__Output as _tidelog_v1_ConfigEntry__Output } from '../../tidelog/v1/ConfigEntry.js';
import type { ErrorInfo as _tidelog_v1_ErrorInfo, ErrorInfo__Output as _tidelog_v1_ErrorInfo__Output } from '../../tidelog/v1/ErrorInfo.js';

export interface TopicConfigs {
  'name'?: (string);
  'entries'?: (_tidelog_v1_ConfigEntry)[];
  'error'?: (_tidelog_v1_ErrorInfo | null);
}

export interface TopicConfigs__Output {
  'name': (string);
  'entries': (_tidelog_v1_ConfigEntry__Output)[];
  'error': (_tidelog_v1_ErrorInfo__Output | null);
}
