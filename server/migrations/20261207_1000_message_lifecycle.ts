// The message lifecycle reshaped (MS-3, DL-6): two more statuses (`pending_review` for content
// review, `unknown` for a sent message whose receipt never came), a durable lease on messages a
// worker is submitting, and receipts that arrive before their submit result, stored instead of
// held in memory.
import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../src/platform/db/database.js';
import { enumCheck, id, timestamp } from '../src/platform/db/dialects.js';

const OLD_STATUSES = [
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
const STATUSES = [...OLD_STATUSES, 'pending_review', 'unknown'];

const quoted = (values: string[]) => values.map((v) => `'${v}'`).join(', ');

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  if (dialect === 'postgres') {
    await sql`alter table messages drop constraint messages_status_check`.execute(db);
    await sql`alter table messages add constraint messages_status_check check (${enumCheck('status', STATUSES)})`.execute(
      db,
    );
  } else {
    await widenSqliteStatusCheck(db);
  }
  await db.schema.alterTable('messages').addColumn('lease_until', timestamp).execute();
  await db.schema.alterTable('messages').addColumn('lease_owner', 'text').execute();

  await db.schema
    .createTable('pending_receipts')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('provider_id', id, (c) => c.notNull())
    .addColumn('provider_message_id', 'text', (c) => c.notNull())
    .addColumn('receipt', 'text', (c) => c.notNull())
    .addColumn('received_at', timestamp, (c) => c.notNull())
    .addColumn('expires_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('pending_receipts_match_idx')
    .on('pending_receipts')
    .columns(['provider_message_id', 'provider_id'])
    .execute();
  await db.schema
    .createIndex('pending_receipts_expiry_idx')
    .on('pending_receipts')
    .column('expires_at')
    .execute();
}

/**
 * SQLite cannot alter a CHECK constraint: the table is rebuilt from its own definition with the
 * wider list (SQLite's documented procedure: foreign keys off, new table, copy, drop, rename,
 * indexes back, foreign key check, foreign keys on). Migrations on SQLite run outside a
 * transaction, so the pragma takes effect; the rebuild itself is one transaction.
 */
async function widenSqliteStatusCheck(db: Kysely<unknown>): Promise<void> {
  const table = await sql<{
    sql: string;
  }>`select sql from sqlite_master where type = 'table' and name = 'messages'`.execute(db);
  const indexes = await sql<{
    sql: string;
  }>`select sql from sqlite_master where type = 'index' and tbl_name = 'messages' and sql is not null`.execute(
    db,
  );
  const createSql = table.rows[0]?.sql ?? '';
  const oldCheck = `status in (${quoted(OLD_STATUSES)})`;
  if (!createSql.includes(oldCheck)) {
    throw new Error('messages: the status check is not the one this migration expects');
  }
  const newSql = createSql
    .replace(/^create table "messages"/i, 'create table "messages_new"')
    .replace(oldCheck, `status in (${quoted(STATUSES)})`);
  if (
    !newSql.startsWith('create table "messages_new"') &&
    !newSql.startsWith('CREATE TABLE "messages_new"')
  ) {
    throw new Error('messages: unexpected table definition');
  }
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await db.transaction().execute(async (trx) => {
      await sql.raw(newSql).execute(trx);
      await sql`insert into messages_new select * from messages`.execute(trx);
      await sql`drop table messages`.execute(trx);
      await sql`alter table messages_new rename to messages`.execute(trx);
      for (const ix of indexes.rows) {
        await sql.raw(ix.sql).execute(trx);
      }
      const broken = await sql`pragma foreign_key_check`.execute(trx);
      if (broken.rows.length > 0) {
        throw new Error(`messages rebuild broke ${broken.rows.length} foreign key(s)`);
      }
    });
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}
