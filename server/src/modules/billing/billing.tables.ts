// Table types of the billing module (see migrations/20261123_1300_billing.ts).
import type { Flag } from '../../platform/db/schema.js';
import type { Channel } from '../customers/index.js';

export type LedgerEntryType = 'recharge' | 'charge' | 'refund' | 'adjustment' | 'reservation' | 'release';
export const LEDGER_ENTRY_TYPES: readonly LedgerEntryType[] = [
  'recharge',
  'charge',
  'refund',
  'adjustment',
  'reservation',
  'release',
];
export type QuotaPeriod = 'day' | 'month' | 'none';
export type QuotaAction = 'allocate' | 'deduct' | 'return' | 'reset';

export interface PricePlansTable {
  id: string;
  name: string;
  /** ISO 4217; prices are micro-units of it, and only enterprises of this currency use the plan. */
  currency: string;
  description: string;
  is_default: Flag;
  /** Whether messages that finally fail are refunded (BL-3). */
  refund_on_failure: Flag;
  created_at: string;
  updated_at: string;
}

export interface PlanPricesTable {
  id: string;
  plan_id: string;
  channel: Channel;
  /** ISO 3166 alpha-2, upper case. */
  country: string;
  /** Digits the destination starts with (country code included); '' = the whole country. */
  network_prefix: string;
  /** Micro-units per segment (SMS) or per message. */
  price: number;
  created_at: string;
  updated_at: string;
}

export interface AccountPricesTable extends Omit<PlanPricesTable, 'plan_id'> {
  enterprise_id: string;
  sending_account_id: string;
}

export interface BalancesTable {
  enterprise_id: string;
  balance: number;
  /** How far below zero the balance may go (micro-units, ≥ 0). */
  credit_limit: number;
  low_balance_threshold: number | null;
  updated_at: string;
}

export interface LedgerEntriesTable {
  id: string;
  enterprise_id: string;
  entry_type: LedgerEntryType;
  /** Signed micro-units: positive adds to the balance. */
  amount: number;
  balance_after: number;
  object_type: string | null;
  object_id: string | null;
  channel: string | null;
  country: string | null;
  /** Segments or messages the entry prices. */
  quantity: number;
  method: string | null;
  reference: string | null;
  note: string;
  created_by: string | null;
  created_at: string;
}

export interface QuotasTable {
  id: string;
  enterprise_id: string;
  sending_account_id: string;
  channel: Channel;
  period: QuotaPeriod;
  allowance: number;
  used: number;
  /** Start of the current period ('' for period 'none'): day 'YYYY-MM-DD' or month 'YYYY-MM'. */
  period_start: string;
  created_at: string;
  updated_at: string;
}

export interface UserQuotaLogsTable {
  id: string;
  quota_id: string;
  enterprise_id: string;
  action: QuotaAction;
  change: number;
  used_after: number;
  allowance_after: number;
  object_id: string | null;
  note: string;
  created_at: string;
}

export interface BillsTable {
  id: string;
  enterprise_id: string;
  /** Inclusive dates 'YYYY-MM-DD' in `timezone`. */
  period_from: string;
  period_to: string;
  timezone: string;
  starts_at: string;
  ends_at: string;
  currency: string;
  charges: number;
  refunds: number;
  total: number;
  created_by: string | null;
  created_at: string;
}

export interface BillItemsTable {
  id: string;
  bill_id: string;
  channel: string;
  country: string;
  messages: number;
  quantity: number;
  charges: number;
  refunds: number;
  total: number;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    price_plans: PricePlansTable;
    plan_prices: PlanPricesTable;
    account_prices: AccountPricesTable;
    enterprise_plans: { enterprise_id: string; plan_id: string; updated_at: string };
    balances: BalancesTable;
    ledger_entries: LedgerEntriesTable;
    quotas: QuotasTable;
    user_quota_logs: UserQuotaLogsTable;
    bills: BillsTable;
    bill_items: BillItemsTable;
  }
}
