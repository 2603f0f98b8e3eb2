// Table types of the customers module (see migrations/20261123_1100_customers.ts).
import type { Flag } from '../../platform/db/schema.js';

export type EnterpriseStatus = 'active' | 'suspended';
export type TrustLevel = 'low' | 'normal' | 'high';
export type Channel = 'sms' | 'email' | 'inapp' | 'webhook';
export type SenderStatus = 'pending' | 'approved' | 'rejected';
export type SenderKind = 'alphanumeric' | 'numeric' | 'e164' | 'email';

export interface EnterprisesTable {
  id: string;
  name: string;
  contact_name: string;
  contact_phone: string;
  contact_email: string;
  status: EnterpriseStatus;
  /** ISO 4217 code; every amount of this tenant is in micro-units of it. */
  currency: string;
  /** IANA time zone, used for time windows, schedules and bills. */
  timezone: string;
  trust_level: TrustLevel;
  require_sender_approval: Flag;
  remark: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface SendingAccountsTable {
  id: string;
  enterprise_id: string;
  name: string;
  status: EnterpriseStatus;
  daily_limit: number;
  /** JSON array of Channel. */
  allowed_channels: string;
  /** JSON array of ISO 3166 alpha-2 codes; empty = every country. */
  allowed_countries: string;
  default_sender: string | null;
  tps_limit: number | null;
  max_parts: number;
  status_callback_url: string | null;
  inbound_callback_url: string | null;
  /** HMAC secret for signing callbacks to the customer (MS-8). */
  callback_secret: string;
  smpp_system_id: string | null;
  smpp_password_hash: string | null;
  smpp_max_binds: number;
  /** JSON array of IPs/CIDRs; empty = any. */
  smpp_ip_allowlist: string;
  smpp_id_format: 'hex' | 'decimal';
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface SenderDomainsTable {
  id: string;
  enterprise_id: string;
  domain: string;
  verified: Flag;
  created_at: string;
}

export interface SendersTable {
  id: string;
  enterprise_id: string;
  channel: 'sms' | 'email';
  value: string;
  kind: SenderKind;
  status: SenderStatus;
  reviewed_by: string | null;
  reviewed_at: string | null;
  review_note: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    enterprises: EnterprisesTable;
    sending_accounts: SendingAccountsTable;
    sender_domains: SenderDomainsTable;
    senders: SendersTable;
  }
}
