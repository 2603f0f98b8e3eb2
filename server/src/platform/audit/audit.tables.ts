// Table types of the audit log (platform): the operation log, data-change log and login log
// (see migrations/20261123_1000_identity.ts, which creates them with the identity tables).
import type { Flag } from '../db/schema.js';

export interface LoginLogsTable {
  id: string;
  user_id: string | null;
  username: string;
  enterprise_id: string | null;
  channel: 'console' | 'smpp' | 'api';
  ip: string;
  user_agent: string;
  success: Flag;
  reason: string;
  created_at: string;
}

export interface OperationLogsTable {
  id: string;
  request_id: string;
  actor_type: 'user' | 'api_key' | 'anonymous' | 'system';
  actor_id: string | null;
  actor_name: string;
  enterprise_id: string | null;
  action: string;
  method: string;
  route: string;
  path: string;
  target_id: string | null;
  ip: string;
  user_agent: string;
  status_code: number;
  result: 'success' | 'failure';
  error_code: string | null;
  duration_ms: number;
  created_at: string;
}

export interface DataChangeLogsTable {
  id: string;
  request_id: string | null;
  actor_id: string | null;
  actor_name: string;
  enterprise_id: string | null;
  entity_type: string;
  entity_id: string;
  action: 'create' | 'update' | 'delete';
  before: string | null;
  after: string | null;
  created_at: string;
}

declare module '../db/schema.js' {
  interface Database {
    login_logs: LoginLogsTable;
    operation_logs: OperationLogsTable;
    data_change_logs: DataChangeLogsTable;
  }
}
