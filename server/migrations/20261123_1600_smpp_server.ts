// SMPP server (DL-8): deliver_sm PDUs (receipts and MOs) kept for a sending account that has
// no receiver bind, sent when it binds and dropped when their validity ends.
import type { Kysely } from 'kysely';
import { enumCheck, id, timestamp } from '../src/platform/db/dialects.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('smpp_pending_deliveries')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('enterprise_id', id, (c) => c.notNull().references('enterprises.id').onDelete('cascade'))
    .addColumn('sending_account_id', id, (c) =>
      c.notNull().references('sending_accounts.id').onDelete('cascade'),
    )
    .addColumn('kind', 'text', (c) => c.notNull().check(enumCheck('kind', ['receipt', 'mo'])))
    /** The message (receipt) or inbound message (MO) it is about. */
    .addColumn('ref_id', id, (c) => c.notNull())
    /** JSON of the deliver_sm fields (octet fields as hex). */
    .addColumn('pdu', 'text', (c) => c.notNull())
    .addColumn('expires_at', timestamp, (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('smpp_pending_deliveries_account_idx')
    .on('smpp_pending_deliveries')
    .columns(['sending_account_id', 'created_at'])
    .execute();
}
