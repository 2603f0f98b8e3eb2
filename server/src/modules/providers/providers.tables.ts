// Table types of the providers module (see migrations/20261123_1200_providers.ts).
import type { Flag } from '../../platform/db/schema.js';

export type ProviderChannel = 'sms' | 'email' | 'webhook';
export type ProviderType = 'smpp' | 'smtp' | 'http';
export type ProviderHealth = 'unknown' | 'healthy' | 'unhealthy';
/** States written to provider_status_logs. */
export type ProviderState =
  'enabled' | 'disabled' | 'frozen' | 'active' | 'unknown' | 'healthy' | 'unhealthy' | 'deleted';

export interface ProvidersTable {
  id: string;
  name: string;
  channel: ProviderChannel;
  type: ProviderType;
  /** JSON: the connection settings of `type` (see providers.schemas.ts), secrets included. */
  settings: string;
  enabled: Flag;
  priority: number;
  weight: number;
  tps: number | null;
  window_size: number | null;
  daily_quota: number | null;
  /** HH:MM local time in `quota_timezone` at which `quota_used` starts again from 0. */
  quota_reset_time: string;
  quota_timezone: string;
  quota_used: number;
  /** The next instant the quota resets (UTC ISO). */
  quota_resets_at: string;
  health: ProviderHealth;
  health_detail: string;
  health_checked_at: string | null;
  is_frozen: Flag;
  consecutive_failures: number;
  remark: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface ProviderCostsTable {
  id: string;
  provider_id: string;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
  currency: string;
  /** Integer micro-units of `currency` per message part. */
  cost: number;
  created_at: string;
  updated_at: string;
}

export interface ProviderStatusLogsTable {
  id: string;
  provider_id: string;
  from_state: ProviderState;
  to_state: ProviderState;
  reason: string;
  /** User name of the operator, or `system` for automatic changes. */
  actor: string;
  created_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    providers: ProvidersTable;
    provider_costs: ProviderCostsTable;
    provider_status_logs: ProviderStatusLogsTable;
  }
}
