// ARCHITECTURE §5: one migration set runs on SQLite and PostgreSQL and yields the same schema:
// the same tables, columns, types (by family), nullability and named indexes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from './helpers/app.js';
import { migrateToLatest } from '../src/platform/db/migrator.js';
import type { Db } from '../src/platform/db/database.js';

const PG_URL = process.env.PIGEON_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

function family(type: string): string {
  const t = type.toLowerCase();
  if (t === 'int8' || t === 'bigint') {
    return 'bigint';
  }
  if (t === 'int4' || t === 'integer' || t === 'int') {
    return 'integer';
  }
  if (t === 'text' || t === 'varchar') {
    return 'text';
  }
  return t;
}

async function describeSchema(db: Db): Promise<{ tables: Record<string, string[]>; indexes: string[] }> {
  const tables = await db.db.introspection.getTables();
  const out: Record<string, string[]> = {};
  for (const t of tables) {
    if (t.name.startsWith('kysely_')) {
      continue;
    }
    out[t.name] = t.columns
      .map((c) => `${c.name}:${family(c.dataType)}:${c.isNullable ? 'null' : 'not null'}`)
      .sort();
  }
  const idx =
    db.dialect === 'sqlite'
      ? await sql<{
          name: string;
        }>`select name from sqlite_master where type = 'index' and name like '%_idx'`.execute(db.db)
      : await sql<{
          name: string;
        }>`select indexname as name from pg_indexes where schemaname = current_schema() and indexname like '%_idx'`.execute(
          db.db,
        );
  return { tables: out, indexes: idx.rows.map((r) => r.name).sort() };
}

describe('ARCH-5 portable migrations', () => {
  let lite: TestDatabase;
  let pg: TestDatabase;
  beforeAll(async () => {
    lite = await createTestDatabase('sqlite');
    try {
      pg = await createTestDatabase('postgres', PG_URL);
    } catch (err) {
      throw new Error(
        `this test needs PostgreSQL at ${PG_URL} (set PIGEON_TEST_DATABASE_URL): ${(err as Error).message}`,
        { cause: err },
      );
    }
    await migrateToLatest(lite.database);
    await migrateToLatest(pg.database);
  });
  afterAll(async () => {
    await lite?.drop();
    await pg?.drop();
  });

  it('produces equivalent schemas on SQLite and PostgreSQL', async () => {
    const a = await describeSchema(lite.database);
    const b = await describeSchema(pg.database);
    expect(Object.keys(a.tables).length).toBeGreaterThan(10);
    expect(Object.keys(b.tables).sort()).toEqual(Object.keys(a.tables).sort());
    for (const name of Object.keys(a.tables)) {
      expect({ table: name, columns: b.tables[name] }).toEqual({ table: name, columns: a.tables[name] });
    }
    expect(b.indexes).toEqual(a.indexes);
  });

  it('is idempotent: a second run applies nothing', async () => {
    const again = await migrateToLatest(lite.database);
    expect(again.results ?? []).toEqual([]);
    const againPg = await migrateToLatest(pg.database);
    expect(againPg.results ?? []).toEqual([]);
  });
});
