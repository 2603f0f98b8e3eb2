// Routing (RT-1, RT-3): route rules with their match and provider tiers, and the
// user–service mapping (which providers a sending account may use at all).
import type { Kysely } from 'kysely';
import { enumCheck, id, timestamp } from '../src/platform/db/dialects.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('route_rules')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull().check(enumCheck('mode', ['priority', 'least_cost'])))
    .addColumn('channel', 'text', (c) =>
      c.notNull().check(enumCheck('channel', ['sms', 'email', 'inapp', 'webhook'])),
    )
    .addColumn('match', 'text', (c) => c.notNull())
    .addColumn('tiers', 'text', (c) => c.notNull())
    .addColumn('created_by', id)
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('route_rules_priority_idx')
    .on('route_rules')
    .columns(['priority', 'id'])
    .execute();

  await db.schema
    .createTable('account_providers')
    .addColumn('sending_account_id', id, (c) =>
      c.notNull().references('sending_accounts.id').onDelete('cascade'),
    )
    .addColumn('provider_id', id, (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('account_providers_pk', ['sending_account_id', 'provider_id'])
    .execute();
}
