// Providers (DL-1, DL-4, DL-5): provider records with their connection settings, quota and
// health/freeze state, cost per destination country, and the log of every state change.
import type { Kysely } from 'kysely';
import { enumCheck, id, money, timestamp } from '../src/platform/db/dialects.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('providers')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('channel', 'text', (c) => c.notNull().check(enumCheck('channel', ['sms', 'email', 'webhook'])))
    .addColumn('type', 'text', (c) => c.notNull().check(enumCheck('type', ['smpp', 'smtp', 'http'])))
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('weight', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('tps', 'integer')
    .addColumn('window_size', 'integer')
    .addColumn('daily_quota', 'integer')
    .addColumn('quota_reset_time', 'text', (c) => c.notNull().defaultTo('00:00'))
    .addColumn('quota_timezone', 'text', (c) => c.notNull().defaultTo('UTC'))
    .addColumn('quota_used', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('quota_resets_at', timestamp, (c) => c.notNull())
    .addColumn('health', 'text', (c) =>
      c
        .notNull()
        .defaultTo('unknown')
        .check(enumCheck('health', ['unknown', 'healthy', 'unhealthy'])),
    )
    .addColumn('health_detail', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('health_checked_at', timestamp)
    .addColumn('is_frozen', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('remark', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', id)
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('providers_channel_idx').on('providers').column('channel').execute();

  await db.schema
    .createTable('provider_costs')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('provider_id', id, (c) => c.notNull().references('providers.id').onDelete('cascade'))
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('cost', money, (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .addUniqueConstraint('provider_costs_unique', ['provider_id', 'country'])
    .execute();

  // No foreign key: the history of a provider outlives the provider.
  await db.schema
    .createTable('provider_status_logs')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('provider_id', id, (c) => c.notNull())
    .addColumn('from_state', 'text', (c) => c.notNull())
    .addColumn('to_state', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('provider_status_logs_provider_idx')
    .on('provider_status_logs')
    .columns(['provider_id', 'created_at', 'id'])
    .execute();
}
