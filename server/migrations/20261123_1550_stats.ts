// Statistics (ST-1): per-minute message counters, flushed from memory once a minute. One row
// per minute and dimension combination; flushes add to the row (upsert-add), so several
// processes and several flushes of one minute accumulate. Later analysis (ST-2) builds on it.
import type { Kysely } from 'kysely';
import { id, money, timestamp } from '../src/platform/db/dialects.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('message_stats_minute')
    /** Start of the minute, UTC ISO-8601 (`2026-01-01T10:05:00.000Z`). */
    .addColumn('minute', timestamp, (c) => c.notNull())
    .addColumn('enterprise_id', id, (c) => c.notNull())
    .addColumn('sending_account_id', id, (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    // '' when unknown (e-mail, or not routed yet): the columns are part of the key.
    .addColumn('country', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('provider_id', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error_code', 'text', (c) => c.notNull().defaultTo(''))
    /** Status changes into `status` during the minute. */
    .addColumn('count', money, (c) => c.notNull().defaultTo(0))
    .addColumn('segments', money, (c) => c.notNull().defaultTo(0))
    /** Sum of the messages' prices (micro-units of the enterprise's currency). */
    .addColumn('revenue', money, (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('message_stats_minute_pk', [
      'minute',
      'enterprise_id',
      'sending_account_id',
      'channel',
      'country',
      'provider_id',
      'status',
      'error_code',
    ])
    .execute();
  await db.schema
    .createIndex('message_stats_minute_enterprise_idx')
    .on('message_stats_minute')
    .columns(['enterprise_id', 'minute'])
    .execute();
}
