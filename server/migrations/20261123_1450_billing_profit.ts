// Billing additions: the profit report (BL-6) reads messages by creation time, and a
// reservation (BL-3) is written at most once per object, like charges and refunds.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // BL-6: the profit report's date range; one index on the message store's hot table.
  await db.schema.createIndex('messages_created_idx').on('messages').column('created_at').execute();
  await db.schema
    .createIndex('ledger_entries_reservation_once_idx')
    .on('ledger_entries')
    .columns(['object_type', 'object_id'])
    .unique()
    .where(sql.ref('entry_type'), '=', sql`'reservation'`)
    .execute();
}
