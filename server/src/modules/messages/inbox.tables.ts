// Table types of the inbox and the suppression list (see migrations/20261123_1510_inbox_optout.ts).
import type { Flag } from '../../platform/db/schema.js';

/** MS-6: what an inbound message is, decided when it arrives. */
export type InboundClassification = 'opt_out' | 'opt_in' | 'reply' | 'keyword' | 'unknown';
export const INBOUND_CLASSIFICATIONS: readonly InboundClassification[] = [
  'opt_out',
  'opt_in',
  'reply',
  'keyword',
  'unknown',
];
export type InboundEncoding = 'gsm7' | 'ucs2' | 'latin1' | 'ascii' | 'binary';

/** MS-7: how a number came onto the suppression list. */
export type SuppressionSource = 'mo' | 'manual' | 'import';
export const SUPPRESSION_SOURCES: readonly SuppressionSource[] = ['mo', 'manual', 'import'];
export type OptOutAction = 'opt_out' | 'opt_in';

export interface InboundMessagesTable {
  id: string;
  /** Null when no enterprise could be matched. */
  enterprise_id: string | null;
  sending_account_id: string | null;
  provider_id: string | null;
  /** The mobile user's number (E.164 with "+" when it is one). */
  sender: string;
  /** The number the message was sent to (a sender of an enterprise). */
  recipient: string;
  body: string;
  encoding: InboundEncoding;
  parts: number;
  /** 0 when parts were missing when reassembly gave up. */
  is_complete: Flag;
  classification: InboundClassification;
  /** The opt-out/opt-in or enterprise keyword that matched, upper-cased. */
  keyword: string | null;
  /** For a reply: the latest outbound message to this sender within the reply window. */
  reply_to_message_id: string | null;
  received_at: string;
  created_at: string;
}

/** A keyword an enterprise claims on a shared number (first word of the text). */
export interface InboxKeywordsTable {
  id: string;
  enterprise_id: string;
  sending_account_id: string | null;
  keyword: string;
  created_at: string;
}

export interface OptOutKeywordsTable {
  id: string;
  /** Upper-cased (Latin) as compared. */
  keyword: string;
  action: OptOutAction;
  /** Language tag (en, zh, es…): only for grouping in the console. */
  language: string;
  created_at: string;
}

export interface SuppressionsTable {
  id: string;
  enterprise_id: string;
  /** E.164 with "+". */
  number: string;
  source: SuppressionSource;
  reason: string;
  /** The inbound message that asked for it (source 'mo'). */
  inbound_id: string | null;
  /** Who added it (user name, or the keyword for 'mo'). */
  created_by: string | null;
  created_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    inbound_messages: InboundMessagesTable;
    inbox_keywords: InboxKeywordsTable;
    optout_keywords: OptOutKeywordsTable;
    suppressions: SuppressionsTable;
  }
}
