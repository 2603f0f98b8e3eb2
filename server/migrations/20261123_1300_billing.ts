// Billing (BL-1…BL-5): price plans and their prices, per-account price overrides, plan
// assignment, balances, the append-only ledger, quotas with their log, and bills.
import { sql, type Kysely } from 'kysely';
import { enumCheck, id, money, timestamp } from '../src/platform/db/dialects.js';

const CHANNELS = ['sms', 'email', 'inapp', 'webhook'];
const ENTRY_TYPES = ['recharge', 'charge', 'refund', 'adjustment', 'reservation', 'release'];

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('price_plans')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('refund_on_failure', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('plan_prices')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('plan_id', id, (c) => c.notNull().references('price_plans.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull().check(enumCheck('channel', CHANNELS)))
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('network_prefix', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('price', money, (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .addUniqueConstraint('plan_prices_unique', ['plan_id', 'channel', 'country', 'network_prefix'])
    .execute();

  await db.schema
    .createTable('account_prices')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('enterprise_id', id, (c) => c.notNull().references('enterprises.id').onDelete('cascade'))
    .addColumn('sending_account_id', id, (c) =>
      c.notNull().references('sending_accounts.id').onDelete('cascade'),
    )
    .addColumn('channel', 'text', (c) => c.notNull().check(enumCheck('channel', CHANNELS)))
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('network_prefix', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('price', money, (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .addUniqueConstraint('account_prices_unique', [
      'sending_account_id',
      'channel',
      'country',
      'network_prefix',
    ])
    .execute();
  await db.schema
    .createIndex('account_prices_enterprise_idx')
    .on('account_prices')
    .column('enterprise_id')
    .execute();

  await db.schema
    .createTable('enterprise_plans')
    .addColumn('enterprise_id', id, (c) =>
      c.primaryKey().notNull().references('enterprises.id').onDelete('cascade'),
    )
    .addColumn('plan_id', id, (c) => c.notNull().references('price_plans.id').onDelete('restrict'))
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('balances')
    .addColumn('enterprise_id', id, (c) =>
      c.primaryKey().notNull().references('enterprises.id').onDelete('restrict'),
    )
    .addColumn('balance', money, (c) => c.notNull().defaultTo(0))
    .addColumn('credit_limit', money, (c) => c.notNull().defaultTo(0))
    .addColumn('low_balance_threshold', money)
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('ledger_entries')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('enterprise_id', id, (c) => c.notNull().references('enterprises.id').onDelete('restrict'))
    .addColumn('entry_type', 'text', (c) => c.notNull().check(enumCheck('entry_type', ENTRY_TYPES)))
    .addColumn('amount', money, (c) => c.notNull())
    .addColumn('balance_after', money, (c) => c.notNull())
    .addColumn('object_type', 'text')
    .addColumn('object_id', 'text')
    .addColumn('channel', 'text')
    .addColumn('country', 'text')
    .addColumn('quantity', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('method', 'text')
    .addColumn('reference', 'text')
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', id)
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('ledger_entries_enterprise_idx')
    .on('ledger_entries')
    .columns(['enterprise_id', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('ledger_entries_created_idx')
    .on('ledger_entries')
    .columns(['created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('ledger_entries_object_idx')
    .on('ledger_entries')
    .columns(['object_type', 'object_id'])
    .execute();
  // Exactly once per message (BL-3): one charge and at most one refund per object.
  await db.schema
    .createIndex('ledger_entries_once_idx')
    .on('ledger_entries')
    .columns(['object_type', 'object_id', 'entry_type'])
    .unique()
    .where(sql.ref('entry_type'), 'in', sql`('charge', 'refund')`)
    .execute();

  await db.schema
    .createTable('quotas')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('enterprise_id', id, (c) => c.notNull().references('enterprises.id').onDelete('cascade'))
    .addColumn('sending_account_id', id, (c) =>
      c.notNull().references('sending_accounts.id').onDelete('cascade'),
    )
    .addColumn('channel', 'text', (c) => c.notNull().check(enumCheck('channel', CHANNELS)))
    .addColumn('period', 'text', (c) => c.notNull().check(enumCheck('period', ['day', 'month', 'none'])))
    .addColumn('allowance', 'bigint', (c) => c.notNull())
    .addColumn('used', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('period_start', 'text', (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .addUniqueConstraint('quotas_unique', ['sending_account_id', 'channel'])
    .execute();
  await db.schema.createIndex('quotas_enterprise_idx').on('quotas').column('enterprise_id').execute();

  await db.schema
    .createTable('user_quota_logs')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('quota_id', id, (c) => c.notNull().references('quotas.id').onDelete('cascade'))
    .addColumn('enterprise_id', id, (c) => c.notNull())
    .addColumn('action', 'text', (c) =>
      c.notNull().check(enumCheck('action', ['allocate', 'deduct', 'return', 'reset'])),
    )
    .addColumn('change', 'bigint', (c) => c.notNull())
    .addColumn('used_after', 'bigint', (c) => c.notNull())
    .addColumn('allowance_after', 'bigint', (c) => c.notNull())
    .addColumn('object_id', 'text')
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('user_quota_logs_quota_idx')
    .on('user_quota_logs')
    .columns(['quota_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('bills')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('enterprise_id', id, (c) => c.notNull().references('enterprises.id').onDelete('restrict'))
    .addColumn('period_from', 'text', (c) => c.notNull())
    .addColumn('period_to', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('starts_at', timestamp, (c) => c.notNull())
    .addColumn('ends_at', timestamp, (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('charges', money, (c) => c.notNull())
    .addColumn('refunds', money, (c) => c.notNull())
    .addColumn('total', money, (c) => c.notNull())
    .addColumn('created_by', id)
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('bills_enterprise_idx')
    .on('bills')
    .columns(['enterprise_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('bill_items')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('bill_id', id, (c) => c.notNull().references('bills.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('messages', 'bigint', (c) => c.notNull())
    .addColumn('quantity', 'bigint', (c) => c.notNull())
    .addColumn('charges', money, (c) => c.notNull())
    .addColumn('refunds', money, (c) => c.notNull())
    .addColumn('total', money, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('bill_items_bill_idx').on('bill_items').column('bill_id').execute();
}
