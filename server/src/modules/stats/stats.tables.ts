// Table types of the stats module (see migrations/20261123_1550_stats.ts).
import type { MessageStatus } from '../messages/index.js';

export interface MessageStatsMinuteTable {
  /** Start of the minute, UTC ISO-8601. */
  minute: string;
  enterprise_id: string;
  sending_account_id: string;
  channel: string;
  /** ISO alpha-2, or '' when unknown. */
  country: string;
  /** '' when the message had no provider yet. */
  provider_id: string;
  status: MessageStatus;
  /** '' when the change carried no error code. */
  error_code: string;
  /** bigint columns (read as numbers on both dialects). */
  count: number;
  segments: number;
  revenue: number;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    message_stats_minute: MessageStatsMinuteTable;
  }
}
