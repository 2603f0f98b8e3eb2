// A small key/value store in the database for generated secrets and first-run state.
import type { Kysely } from 'kysely';
import type { Database } from './db/schema.js';

declare module './db/schema.js' {
  interface Database {
    system_settings: { key: string; value: string; updated_at: string };
  }
}

export async function getSetting(db: Kysely<Database>, key: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('system_settings')
    .select('value')
    .where('key', '=', key)
    .executeTakeFirst();
  return row?.value;
}

export async function setSetting(db: Kysely<Database>, key: string, value: string): Promise<void> {
  const now = new Date().toISOString();
  await db
    .insertInto('system_settings')
    .values({ key, value, updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
    .execute();
}
