// Inbox and opt-out (MS-6, MS-7): inbound (MO) messages with their match and classification,
// the keywords enterprises claim on shared numbers, the opt-out/opt-in keywords per language
// (seeded with defaults) and each enterprise's suppression list.
import type { Kysely } from 'kysely';
import { enumCheck, id, timestamp } from '../src/platform/db/dialects.js';
import { newId } from '../src/platform/ids.js';

const CLASSIFICATIONS = ['opt_out', 'opt_in', 'reply', 'keyword', 'unknown'];
const ENCODINGS = ['gsm7', 'ucs2', 'latin1', 'ascii', 'binary'];
const SOURCES = ['mo', 'manual', 'import'];
const ACTIONS = ['opt_out', 'opt_in'];

/** Default keywords: the first word of an inbound message, compared case-insensitively. */
const DEFAULT_KEYWORDS: Array<[keyword: string, action: 'opt_out' | 'opt_in', language: string]> = [
  ['STOP', 'opt_out', 'en'],
  ['STOPALL', 'opt_out', 'en'],
  ['UNSUBSCRIBE', 'opt_out', 'en'],
  ['CANCEL', 'opt_out', 'en'],
  ['END', 'opt_out', 'en'],
  ['QUIT', 'opt_out', 'en'],
  ['OPTOUT', 'opt_out', 'en'],
  ['START', 'opt_in', 'en'],
  ['UNSTOP', 'opt_in', 'en'],
  ['SUBSCRIBE', 'opt_in', 'en'],
  ['退订', 'opt_out', 'zh'],
  ['取消订阅', 'opt_out', 'zh'],
  ['TD', 'opt_out', 'zh'],
  ['T', 'opt_out', 'zh'],
  ['订阅', 'opt_in', 'zh'],
  ['BAJA', 'opt_out', 'es'],
  ['ALTA', 'opt_in', 'es'],
  ['ARRET', 'opt_out', 'fr'],
  ['STOPP', 'opt_out', 'de'],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('inbound_messages')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    // Null when no enterprise could be matched (visible to staff only).
    .addColumn('enterprise_id', id)
    .addColumn('sending_account_id', id)
    .addColumn('provider_id', id)
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('encoding', 'text', (c) => c.notNull().check(enumCheck('encoding', ENCODINGS)))
    .addColumn('parts', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('is_complete', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('classification', 'text', (c) =>
      c.notNull().check(enumCheck('classification', CLASSIFICATIONS)),
    )
    .addColumn('keyword', 'text')
    .addColumn('reply_to_message_id', id)
    .addColumn('received_at', timestamp, (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('inbound_messages_enterprise_idx')
    .on('inbound_messages')
    .columns(['enterprise_id', 'received_at'])
    .execute();
  await db.schema
    .createIndex('inbound_messages_received_idx')
    .on('inbound_messages')
    .columns(['received_at', 'id'])
    .execute();
  await db.schema
    .createIndex('inbound_messages_sender_idx')
    .on('inbound_messages')
    .column('sender')
    .execute();
  await db.schema
    .createIndex('inbound_messages_recipient_idx')
    .on('inbound_messages')
    .column('recipient')
    .execute();

  await db.schema
    .createTable('inbox_keywords')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('enterprise_id', id, (c) => c.notNull().references('enterprises.id').onDelete('cascade'))
    .addColumn('sending_account_id', id, (c) => c.references('sending_accounts.id').onDelete('cascade'))
    .addColumn('keyword', 'text', (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addUniqueConstraint('inbox_keywords_keyword_unique', ['keyword'])
    .execute();
  await db.schema
    .createIndex('inbox_keywords_enterprise_idx')
    .on('inbox_keywords')
    .column('enterprise_id')
    .execute();

  await db.schema
    .createTable('optout_keywords')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('keyword', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull().check(enumCheck('action', ACTIONS)))
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addUniqueConstraint('optout_keywords_keyword_unique', ['keyword'])
    .execute();
  const now = new Date().toISOString();
  const seed = db as unknown as Kysely<{ optout_keywords: Record<string, string> }>;
  await seed
    .insertInto('optout_keywords')
    .values(
      DEFAULT_KEYWORDS.map(([keyword, action, language]) => ({
        id: newId(),
        keyword,
        action,
        language,
        created_at: now,
      })),
    )
    .execute();

  await db.schema
    .createTable('suppressions')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('enterprise_id', id, (c) => c.notNull().references('enterprises.id').onDelete('cascade'))
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull().check(enumCheck('source', SOURCES)))
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('inbound_id', id)
    .addColumn('created_by', 'text')
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addUniqueConstraint('suppressions_number_unique', ['enterprise_id', 'number'])
    .execute();
  await db.schema
    .createIndex('suppressions_enterprise_idx')
    .on('suppressions')
    .columns(['enterprise_id', 'created_at'])
    .execute();
}
