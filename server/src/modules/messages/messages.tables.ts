// Table types of the messages module (see migrations/20261123_1400_messages.ts).
import type { Flag } from '../../platform/db/schema.js';
import type { Channel } from '../customers/index.js';

/**
 * MS-3: the lifecycle (transitions.ts says which may follow which). `accepted` = stored, waiting
 * for `send_at`; `pending_review` = held for content review; `queued` = waiting for a worker;
 * `sending` = leased by a worker whose submit is under way; `unknown` = sent, but no receipt
 * came by the receipt timeout.
 */
export type MessageStatus =
  | 'accepted'
  | 'pending_review'
  | 'queued'
  | 'sending'
  | 'sent'
  | 'delivered'
  | 'undelivered'
  | 'expired'
  | 'failed'
  | 'rejected'
  | 'canceled'
  | 'partially_delivered'
  | 'unknown';

export const MESSAGE_STATUSES: readonly MessageStatus[] = [
  'accepted',
  'pending_review',
  'queued',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'expired',
  'failed',
  'rejected',
  'canceled',
  'partially_delivered',
  'unknown',
];

/** States after which nothing more happens to a message (transitions.ts: no way out). */
export const FINAL_STATUSES: ReadonlySet<MessageStatus> = new Set([
  'delivered',
  'undelivered',
  'expired',
  'failed',
  'rejected',
  'canceled',
  'partially_delivered',
  'unknown',
]);

export type MessagePriority = 'high' | 'normal' | 'low';
export const MESSAGE_PRIORITIES: readonly MessagePriority[] = ['high', 'normal', 'low'];
export type MessageSource = 'api' | 'console' | 'smpp' | 'campaign';
export type AttemptOutcome = 'sent' | 'retry' | 'failed';

export interface MessagesTable {
  id: string;
  enterprise_id: string;
  sending_account_id: string;
  source: MessageSource;
  api_key_id: string | null;
  user_id: string | null;
  channel: Channel;
  /** E.164 with "+" for SMS; the lower-cased address for e-mail. */
  recipient: string;
  /** ISO 3166-1 alpha-2 of an SMS recipient. */
  country: string | null;
  /** libphonenumber's number type (MOBILE, FIXED_LINE…). */
  number_type: string | null;
  sender: string | null;
  subject: string | null;
  /** SMS text, or the e-mail's text part. */
  body: string;
  html: string | null;
  encoding: 'gsm7' | 'ucs2' | null;
  segments: number;
  smart_encoding: Flag;
  priority: MessagePriority;
  status: MessageStatus;
  client_ref: string | null;
  campaign_id: string | null;
  template_id: string | null;
  /** JSON object of the customer's own string fields. */
  metadata: string;
  send_at: string | null;
  /** End of the validity period: not delivered by then → `expired`. */
  expires_at: string | null;
  /** Micro-units charged at accept. */
  price: number;
  currency: string;
  /** Copied from the price plan at accept: refund the charge when the message finally fails. */
  refund_on_failure: Flag;
  refunded: Flag;
  /** Provider cost of the parts submitted (micro-units); null until submitted. */
  cost: number | null;
  /** The provider the message is queued for or was sent through. */
  provider_id: string | null;
  route_rule_id: string | null;
  attempts: number;
  /** When a retry is due (backoff); null when not waiting. */
  next_attempt_at: string | null;
  /** JSON array of provider ids tried so far (failover excludes them). */
  tried_providers: string;
  /** While `sending`: until when the worker's lease holds; after that the submit is retried. */
  lease_until: string | null;
  /** While `sending`: the worker (process) holding the lease. */
  lease_owner: string | null;
  error_code: string | null;
  error_message: string | null;
  created_at: string;
  queued_at: string | null;
  sent_at: string | null;
  done_at: string | null;
  updated_at: string;
}

export interface MessageAttemptsTable {
  id: string;
  message_id: string;
  attempt: number;
  provider_id: string;
  outcome: AttemptOutcome;
  error_code: string | null;
  error_message: string | null;
  latency_ms: number;
  started_at: string;
  finished_at: string;
}

export interface MessagePartsTable {
  id: string;
  message_id: string;
  part_index: number;
  provider_id: string;
  provider_message_id: string;
  /** The receipt's state (delivered, undelivered…); null until a receipt arrives. */
  receipt_status: string | null;
  provider_status: string | null;
  error_code: string | null;
  submitted_at: string;
  receipt_at: string | null;
}

export interface IdempotencyKeysTable {
  id: string;
  /** Who the key belongs to: `key:<api key id>` or `user:<user id>`. */
  scope: string;
  key: string;
  request_hash: string;
  status_code: number;
  /** The JSON response body first given. */
  response: string;
  created_at: string;
  expires_at: string;
}

/**
 * A receipt that arrived before the submit result it belongs to was written (DL-6): stored,
 * acknowledged to the SMSC, and applied when the submit result lands.
 */
export interface PendingReceiptsTable {
  id: string;
  provider_id: string;
  provider_message_id: string;
  /** The receipt as the connector reported it (JSON of DeliveryReceipt). */
  receipt: string;
  received_at: string;
  /** Dropped (and counted as unmatched) after this time. */
  expires_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    messages: MessagesTable;
    pending_receipts: PendingReceiptsTable;
    message_attempts: MessageAttemptsTable;
    message_parts: MessagePartsTable;
    idempotency_keys: IdempotencyKeysTable;
  }
}
