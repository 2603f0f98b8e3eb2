// Opens the database chosen by PIGEON_DATABASE_URL: SQLite through better-sqlite3 (WAL,
// busy timeout, foreign keys) or PostgreSQL through pg. Everything above this file sees
// one Kysely<Database>; dialect differences live in `dialects.ts`.
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
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

// WAL checkpoints copy the log back into the database file. SQLite runs them inside the commit
// that crosses the threshold, stalling the event loop for tens of milliseconds under load; a
// worker thread with its own connection checkpoints instead (PASSIVE: never blocks writers).
const CHECKPOINT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
const run = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} };
const timer = setInterval(run, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); run(); db.close(); parentPort.close(); });
`;

function startCheckpointer(handle: SQLite.Database, file: string): { stop: () => Promise<void> } | null {
  try {
    const worker = new Worker(CHECKPOINT_WORKER, {
      eval: true,
      workerData: { file, driver: createRequire(import.meta.url).resolve('better-sqlite3'), intervalMs: 500 },
    });
    worker.unref();
    // Only now is the commit path relieved of checkpoints; the worker keeps the log short.
    handle.pragma('wal_autocheckpoint = 0');
    worker.on('error', () => {
      handle.pragma('wal_autocheckpoint = 1000');
    });
    return {
      // The worker is kept referenced while stopping, so awaiting this keeps the process alive.
      stop: () =>
        new Promise<void>((resolve) => {
          worker.ref();
          const timer = setTimeout(() => void worker.terminate(), 2000);
          worker.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          worker.postMessage('stop');
        }),
    };
  } catch {
    return null;
  }
}

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
    const checkpointer = file === ':memory:' ? null : startCheckpointer(handle, path.resolve(file));
    const db = new Kysely<Database>({ dialect: new PigeonSqliteDialect(handle) });
    return {
      db,
      dialect: 'sqlite',
      sqlite: handle,
      close: async () => {
        await checkpointer?.stop();
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
