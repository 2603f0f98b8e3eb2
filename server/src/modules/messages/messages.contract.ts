// What other modules (SMPP server, templates, opt-out, callbacks, stats, demo) use of the
// messages module: the accept call, its hooks, and the events it raises after commit.
import type { SendingContext } from '../customers/index.js';
import type { Locale } from '../../platform/i18n/i18n.js';
import type { MessagePriority, MessageSource, MessageStatus } from './messages.tables.js';
import type { QueuePriority } from '../../platform/queue/queue.js';

/** Queue lane of each message priority (0 is taken first). */
export const QUEUE_PRIORITY: Record<MessagePriority, QueuePriority> = { high: 0, normal: 1, low: 2 };

/** SMS prices are per destination country; channels without one use this code in rate cards. */
export const NO_COUNTRY = 'ZZ';

/** One message to send, as the API, the SMPP server or a campaign hands it in. */
export interface SendItem {
  channel: 'sms' | 'email';
  to: string;
  /** Sender id / address; the account's default sender when omitted. */
  from?: string;
  /** SMS text or e-mail text part. */
  text?: string;
  subject?: string;
  html?: string;
  /** MS-9: render this template with `variables` (the prepare hook fills text/subject). */
  templateId?: string;
  variables?: Record<string, unknown>;
  /** ISO-8601; later than now → stored as `accepted` and queued at that time. */
  sendAt?: string;
  priority?: MessagePriority;
  /** Seconds after which an undelivered message expires. */
  validityPeriod?: number;
  clientRef?: string;
  smartEncoding?: boolean;
  campaignId?: string;
  metadata?: Record<string, string>;
}

/** Who hands the messages in. */
export interface AcceptOrigin {
  accountId: string;
  source: MessageSource;
  apiKeyId?: string | null;
  userId?: string | null;
}

/** Why one item was refused: a stable code, the field at fault and a human reason. */
export interface Rejection {
  /**
   * VALIDATION_FAILED (field + reason), INSUFFICIENT_BALANCE, QUOTA_EXCEEDED,
   * DAILY_LIMIT_EXCEEDED, NO_PRICE, NO_ROUTE, RECIPIENT_OPTED_OUT, TEMPLATE_INVALID,
   * SENDER_NOT_ALLOWED, CHANNEL_NOT_ALLOWED, ACCOUNT_SUSPENDED.
   */
  code: string;
  field?: string;
  /** Machine reason (e.g. `invalid_number`, `recipient_opted_out`, `missing_variable`). */
  reason: string;
  /** Human message in the request's language. */
  message: string;
  params?: Record<string, unknown>;
}

export interface AcceptedMessage {
  id: string;
  status: MessageStatus;
  to: string;
  channel: 'sms' | 'email';
  country: string | null;
  segments: number;
  encoding: 'gsm7' | 'ucs2' | null;
  price: number;
  currency: string;
  clientRef: string | null;
}

export type AcceptResult = ({ ok: true } & AcceptedMessage) | ({ ok: false } & Rejection);

/** An item after validation: the normalized recipient and the described text. */
export interface ValidItem {
  index: number;
  item: SendItem;
  to: string;
  country: string | null;
}

export interface AcceptHooks {
  /**
   * Before validation, in order: may return a changed item (a template fills text/subject) or
   * a Rejection (e.g. a template with a missing variable).
   */
  prepare: Array<
    (item: SendItem, account: SendingContext) => Promise<SendItem | Rejection> | SendItem | Rejection
  >;
  /**
   * After validation, on the whole batch: one entry per item, a Rejection or null
   * (e.g. the suppression list → `recipient_opted_out`).
   */
  check: Array<
    (items: ValidItem[], account: SendingContext, locale: Locale) => Promise<Array<Rejection | null>>
  >;
}

/** Raised after commit for every status change (one event per message). */
export const MESSAGE_STATUS_EVENT = 'message.status';

export interface MessageStatusEvent {
  messageId: string;
  enterpriseId: string;
  sendingAccountId: string;
  source: MessageSource;
  channel: 'sms' | 'email';
  status: MessageStatus;
  to: string;
  from: string | null;
  country: string | null;
  providerId: string | null;
  segments: number;
  price: number;
  clientRef: string | null;
  errorCode: string | null;
  /** First 20 characters of the text (SMPP receipts quote them). */
  textStart: string;
  createdAt: string;
  /** ISO time of this change. */
  at: string;
  /**
   * The provider confirmed the final state with the submit itself (SMTP: accepted by the
   * server), so no `sent` change came before this one; counters still count the message as sent.
   */
  skippedSent?: boolean;
}
