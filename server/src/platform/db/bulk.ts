// Multi-row inserts on the hot path (accept, submit results). On SQLite a prepared statement
// run once per row inside the caller's transaction is several times cheaper than building and
// compiling one large INSERT through the query builder; on PostgreSQL one multi-row INSERT per
// chunk saves round trips. Call it only inside a transaction the caller holds (on SQLite the
// one connection is then ours, so the raw handle writes into that transaction).
import type { Kysely, Transaction } from 'kysely';
import type SQLite from 'better-sqlite3';
import type { Db } from './database.js';
import type { Database } from './schema.js';

const CHUNK = 500;
const statements = new WeakMap<SQLite.Database, Map<string, SQLite.Statement>>();

export async function insertRows<T extends keyof Database>(
  trx: Transaction<Database> | Kysely<Database>,
  database: Db,
  table: T,
  rows: ReadonlyArray<Database[T]>,
): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  const handle = database.sqlite;
  if (!handle) {
    for (let i = 0; i < rows.length; i += CHUNK) {
      await trx
        .insertInto(table)
        .values(rows.slice(i, i + CHUNK) as never)
        .execute();
    }
    return;
  }
  const columns = Object.keys(rows[0] as object);
  const key = `${table}(${columns.join(',')})`;
  let cache = statements.get(handle);
  if (!cache) {
    cache = new Map();
    statements.set(handle, cache);
  }
  let stmt = cache.get(key);
  if (!stmt) {
    stmt = handle.prepare(
      `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`,
    );
    cache.set(key, stmt);
  }
  for (const row of rows) {
    const r = row as Record<string, unknown>;
    stmt.run(columns.map((c) => r[c] ?? null));
  }
}
