// Opens the database chosen by PIGEON_DATABASE_URL: SQLite through better-sqlite3 (WAL,
// busy timeout, foreign keys) or PostgreSQL through pg. Everything above this file sees
// one Kysely<Database>; dialect differences live in `dialects.ts`.
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PigeonSqliteDialect } from './sqlite-driver.js';
import type { Database } from './schema.js';

export type DialectName = 'sqlite' | 'postgres';

export interface Db {
  db: Kysely<Database>;
  dialect: DialectName;
  /** The raw better-sqlite3 handle (SQLite only), for batched hot-path statements. */
  sqlite?: SQLite.Database;
  /** The pg pool (PostgreSQL only). */
  pool?: pg.Pool;
  /** The PostgreSQL schema in use when one was given (tests use one per file). */
  schema?: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  url: string;
  poolSize?: number;
  /** PostgreSQL schema to use as search_path (tests use one schema per file). */
  schema?: string;
}

// int8 (bigint) columns carry micro-unit money and counts; they fit a JS number exactly
// below 2^53, far above any balance we hold.
pg.types.setTypeParser(20, (v) => Number(v));

export function sqlitePath(url: string): string {
  return url.slice('sqlite:'.length);
}

export async function openDatabase(opts: OpenOptions): Promise<Db> {
  if (opts.url.startsWith('sqlite:')) {
    const file = sqlitePath(opts.url);
    if (file !== ':memory:') {
      fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    }
    const handle = new SQLite(file);
    handle.pragma('journal_mode = WAL');
    handle.pragma('busy_timeout = 5000');
    handle.pragma('foreign_keys = ON');
    handle.pragma('synchronous = NORMAL');
    handle.pragma('cache_size = -131072'); // 128 MiB page cache
    handle.pragma('temp_store = MEMORY');
    const db = new Kysely<Database>({ dialect: new PigeonSqliteDialect(handle) });
    return {
      db,
      dialect: 'sqlite',
      sqlite: handle,
      close: async () => {
        await db.destroy();
      },
    };
  }
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize ?? 10,
    ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    pool,
    ...(opts.schema ? { schema: opts.schema } : {}),
    close: async () => {
      await db.destroy();
    },
  };
}

/** True when the database answers a trivial query. */
export async function pingDatabase(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
