// Builds the app on a fresh database per test file: a temporary SQLite file, or a fresh
// PostgreSQL schema when PIGEON_TEST_DATABASE_URL is set (ARCHITECTURE §7).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { buildApp, type App, type BuildOptions } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { openDatabase, type Db } from '../../src/platform/db/database.js';
import type { Clock } from '../../src/platform/clock.js';

export const TEST_PG_URL = process.env.PIGEON_TEST_DATABASE_URL || '';
export const TEST_REDIS_URL = process.env.PIGEON_TEST_REDIS_URL || '';

export interface TestDatabase {
  database: Db;
  url: string;
  dataDir: string;
  drop(): Promise<void>;
}

/** A fresh, empty database: SQLite in a temp dir, or a new PostgreSQL schema. */
export async function createTestDatabase(
  kind: 'default' | 'sqlite' | 'postgres' = 'default',
  pgUrl: string = TEST_PG_URL,
): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-test-'));
  const usePg = kind === 'postgres' || (kind === 'default' && pgUrl !== '');
  if (!usePg) {
    const url = `sqlite:${path.join(dataDir, 'pigeon.db')}`;
    const database = await openDatabase({ url });
    return {
      database,
      url,
      dataDir,
      drop: async () => {
        await database.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  if (!pgUrl) {
    throw new Error('PIGEON_TEST_DATABASE_URL is not set');
  }
  const schema = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const database = await openDatabase({ url: pgUrl, schema, poolSize: 10 });
  return {
    database,
    url: pgUrl,
    dataDir,
    drop: async () => {
      await database.close();
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestApp extends App {
  testDb: TestDatabase;
}

export function testConfig(overrides: Partial<Config> = {}, dataDir = os.tmpdir()): Config {
  return {
    ...loadConfig({ PIGEON_DATA_DIR: dataDir, PIGEON_LOG_LEVEL: 'silent' }),
    jwtSecret: 'test-secret-test-secret-test-secret-0123456789',
    ...overrides,
  };
}

/** Builds the app on a fresh database; close it with `app.close()` (drops the database too). */
export async function createTestApp(
  opts: { config?: Partial<Config>; clock?: Clock; db?: 'default' | 'sqlite' | 'postgres' } & Partial<
    Pick<BuildOptions, 'serveWeb' | 'providerStates'>
  > = {},
): Promise<TestApp> {
  const testDb = await createTestDatabase(opts.db ?? 'default');
  const app = (await buildApp({
    config: testConfig(opts.config, testDb.dataDir),
    database: testDb.database,
    clock: opts.clock,
    logger: pino({ level: 'silent' }),
    serveWeb: opts.serveWeb ?? false,
    providerStates: opts.providerStates,
  })) as TestApp;
  app.testDb = testDb;
  // Drop the database after every close hook of the app has run (they may still write).
  const close = app.close.bind(app);
  app.close = (async () => {
    await close();
    await testDb.drop();
  }) as unknown as typeof app.close;
  return app;
}
