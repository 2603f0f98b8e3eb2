// Customers (CU-1…CU-3): enterprises (tenants), their sending accounts, registered e-mail
// domains and senders.
import type { Kysely } from 'kysely';
import { enumCheck, id, timestamp } from '../src/platform/db/dialects.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('enterprises')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('contact_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('contact_phone', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('contact_email', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull().check(enumCheck('status', ['active', 'suspended'])))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('trust_level', 'text', (c) =>
      c.notNull().check(enumCheck('trust_level', ['low', 'normal', 'high'])),
    )
    .addColumn('require_sender_approval', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('remark', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', id)
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('enterprises_name_idx').on('enterprises').column('name').execute();

  await db.schema
    .createTable('sending_accounts')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('enterprise_id', id, (c) => c.notNull().references('enterprises.id').onDelete('restrict'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(enumCheck('status', ['active', 'suspended'])))
    .addColumn('daily_limit', 'integer', (c) => c.notNull())
    .addColumn('allowed_channels', 'text', (c) => c.notNull())
    .addColumn('allowed_countries', 'text', (c) => c.notNull())
    .addColumn('default_sender', 'text')
    .addColumn('tps_limit', 'integer')
    .addColumn('max_parts', 'integer', (c) => c.notNull().defaultTo(10))
    .addColumn('status_callback_url', 'text')
    .addColumn('inbound_callback_url', 'text')
    .addColumn('callback_secret', 'text', (c) => c.notNull())
    .addColumn('smpp_system_id', 'text', (c) => c.unique())
    .addColumn('smpp_password_hash', 'text')
    .addColumn('smpp_max_binds', 'integer', (c) => c.notNull().defaultTo(4))
    .addColumn('smpp_ip_allowlist', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('smpp_id_format', 'text', (c) =>
      c
        .notNull()
        .defaultTo('hex')
        .check(enumCheck('smpp_id_format', ['hex', 'decimal'])),
    )
    .addColumn('created_by', id)
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('sending_accounts_enterprise_idx')
    .on('sending_accounts')
    .column('enterprise_id')
    .execute();

  await db.schema
    .createTable('sender_domains')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('enterprise_id', id, (c) => c.notNull().references('enterprises.id').onDelete('cascade'))
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('verified', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addUniqueConstraint('sender_domains_unique', ['enterprise_id', 'domain'])
    .execute();

  await db.schema
    .createTable('senders')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('enterprise_id', id, (c) => c.notNull().references('enterprises.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull().check(enumCheck('channel', ['sms', 'email'])))
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(enumCheck('kind', ['alphanumeric', 'numeric', 'e164', 'email'])),
    )
    .addColumn('status', 'text', (c) =>
      c.notNull().check(enumCheck('status', ['pending', 'approved', 'rejected'])),
    )
    .addColumn('reviewed_by', id)
    .addColumn('reviewed_at', timestamp)
    .addColumn('review_note', 'text')
    .addColumn('created_by', id)
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .addUniqueConstraint('senders_unique', ['enterprise_id', 'channel', 'value'])
    .execute();
}
