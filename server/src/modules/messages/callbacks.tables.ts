// Table types of customer callbacks (MS-8; see migrations/20261123_1500_templates_callbacks.ts):
// the durable outbox and its delivery log.

export type CallbackStatus = 'pending' | 'delivered' | 'dead';
export const CALLBACK_STATUSES: readonly CallbackStatus[] = ['pending', 'delivered', 'dead'];
export type CallbackEvent = 'message.status' | 'message.inbound';
export const CALLBACK_EVENTS: readonly CallbackEvent[] = ['message.status', 'message.inbound'];
export type CallbackAttemptOutcome = 'delivered' | 'failed';

export interface CallbacksTable {
  id: string;
  enterprise_id: string;
  sending_account_id: string;
  event: CallbackEvent;
  /** Message id (status callbacks) or inbound message id. */
  reference_id: string;
  url: string;
  /** The exact JSON body that is sent and signed. */
  payload: string;
  status: CallbackStatus;
  attempts: number;
  /** When the next attempt is due; null once delivered or dead. */
  next_attempt_at: string | null;
  /** Retries stop at this time (24 h after creation or after a manual re-send). */
  expires_at: string;
  /** The dispatcher run that claimed the row (cleared when the attempt is recorded). */
  claim_token: string | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface CallbackAttemptsTable {
  id: string;
  callback_id: string;
  attempt: number;
  outcome: CallbackAttemptOutcome;
  /** HTTP status of the customer's answer; null when no answer came (timeout, refused). */
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  started_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    callbacks: CallbacksTable;
    callback_attempts: CallbackAttemptsTable;
  }
}
