// Platform tables: the settings store (generated secrets, first-run state) and per-minute
// statistics that later analysis builds on.
import type { Kysely } from 'kysely';
import { timestamp } from '../src/platform/db/dialects.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('system_settings')
    .addColumn('key', 'text', (c) => c.primaryKey().notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute();
}
