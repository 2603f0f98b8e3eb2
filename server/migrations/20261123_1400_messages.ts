// Messages (MS-1…MS-5, DL-2/3/6): the message store with its lifecycle timestamps, one row per
// submit attempt, one row per SMS part (the receipt of that part) and the idempotency keys of
// the send API. Hot tables: no foreign keys to tenant tables (retention jobs delete freely),
// few indexes, each serving a console filter or the engine's recovery scan.
import { sql, type Kysely } from 'kysely';
import { enumCheck, id, money, timestamp } from '../src/platform/db/dialects.js';

const CHANNELS = ['sms', 'email', 'inapp', 'webhook'];
const STATUSES = [
  'accepted',
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
];
const PRIORITIES = ['high', 'normal', 'low'];
const SOURCES = ['api', 'console', 'smpp', 'campaign'];
const OUTCOMES = ['sent', 'retry', 'failed'];

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('messages')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('enterprise_id', id, (c) => c.notNull())
    .addColumn('sending_account_id', id, (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull().check(enumCheck('source', SOURCES)))
    .addColumn('api_key_id', id)
    .addColumn('user_id', id)
    .addColumn('channel', 'text', (c) => c.notNull().check(enumCheck('channel', CHANNELS)))
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('country', 'text')
    .addColumn('number_type', 'text')
    .addColumn('sender', 'text')
    .addColumn('subject', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('html', 'text')
    .addColumn('encoding', 'text')
    .addColumn('segments', 'integer', (c) => c.notNull())
    .addColumn('smart_encoding', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('priority', 'text', (c) => c.notNull().check(enumCheck('priority', PRIORITIES)))
    .addColumn('status', 'text', (c) => c.notNull().check(enumCheck('status', STATUSES)))
    .addColumn('client_ref', 'text')
    .addColumn('campaign_id', id)
    .addColumn('template_id', id)
    .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('send_at', timestamp)
    .addColumn('expires_at', timestamp)
    .addColumn('price', money, (c) => c.notNull().defaultTo(0))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('refund_on_failure', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('refunded', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('cost', money)
    .addColumn('provider_id', id)
    .addColumn('route_rule_id', id)
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', timestamp)
    .addColumn('tried_providers', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('queued_at', timestamp)
    .addColumn('sent_at', timestamp)
    .addColumn('done_at', timestamp)
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('messages_enterprise_idx')
    .on('messages')
    .columns(['enterprise_id', 'id'])
    .execute();
  await db.schema
    .createIndex('messages_account_idx')
    .on('messages')
    .columns(['sending_account_id', 'id'])
    .execute();
  await db.schema.createIndex('messages_status_idx').on('messages').columns(['status', 'id']).execute();
  await db.schema.createIndex('messages_recipient_idx').on('messages').column('recipient').execute();
  // Only campaign messages are in the campaign index (a query by campaign_id implies NOT NULL).
  await db.schema
    .createIndex('messages_campaign_idx')
    .on('messages')
    .column('campaign_id')
    .where(sql.ref('campaign_id'), 'is not', sql`null`)
    .execute();

  await db.schema
    .createTable('message_attempts')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('message_id', id, (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('provider_id', id, (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull().check(enumCheck('outcome', OUTCOMES)))
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('started_at', timestamp, (c) => c.notNull())
    .addColumn('finished_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('message_attempts_message_idx')
    .on('message_attempts')
    .column('message_id')
    .execute();

  await db.schema
    .createTable('message_parts')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('message_id', id, (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('part_index', 'integer', (c) => c.notNull())
    .addColumn('provider_id', id, (c) => c.notNull())
    .addColumn('provider_message_id', 'text', (c) => c.notNull())
    .addColumn('receipt_status', 'text')
    .addColumn('provider_status', 'text')
    .addColumn('error_code', 'text')
    .addColumn('submitted_at', timestamp, (c) => c.notNull())
    .addColumn('receipt_at', timestamp)
    .execute();
  await db.schema.createIndex('message_parts_message_idx').on('message_parts').column('message_id').execute();
  await db.schema
    .createIndex('message_parts_provider_idx')
    .on('message_parts')
    .columns(['provider_message_id', 'provider_id'])
    .execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer', (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('expires_at', timestamp, (c) => c.notNull())
    .addUniqueConstraint('idempotency_keys_unique', ['scope', 'key'])
    .execute();
  await db.schema
    .createIndex('idempotency_keys_expiry_idx')
    .on('idempotency_keys')
    .column('expires_at')
    .execute();
}
