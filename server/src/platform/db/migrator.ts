// Runs the numbered migrations in server/migrations on either dialect. Each migration
// file exports `up(db, dialect)` written with Kysely's schema builder and the portable
// column helpers in `dialects.ts`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  Migrator,
  type Kysely,
  type Migration,
  type MigrationProvider,
  type MigrationResultSet,
} from 'kysely';
import type { Db, DialectName } from './database.js';

export const MIGRATIONS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../migrations',
);

export type MigrationUp = (db: Kysely<unknown>, dialect: DialectName) => Promise<void>;

class PortableMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: DialectName) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const files = fs
      .readdirSync(MIGRATIONS_DIR)
      .filter((f) => /^\d.*\.ts$/.test(f) && !f.endsWith('.test.ts'))
      .sort();
    const out: Record<string, Migration> = {};
    for (const file of files) {
      const mod = (await import(pathToFileURL(path.join(MIGRATIONS_DIR, file)).href)) as { up: MigrationUp };
      out[file.replace(/\.ts$/, '')] = { up: (db) => mod.up(db, this.dialect) };
    }
    return out;
  }
}

export async function migrateToLatest(database: Db): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db: database.db,
    provider: new PortableMigrationProvider(database.dialect),
    // Kysely looks for its bookkeeping tables by introspection, which sees every schema; name
    // ours so a table of the same name in another schema is never mistaken for it.
    ...(database.schema ? { migrationTableSchema: database.schema } : {}),
  });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const err = result.error instanceof Error ? result.error : new Error(JSON.stringify(result.error));
    err.message = `migration ${failed?.migrationName ?? '?'} failed: ${err.message}`;
    throw err;
  }
  return result;
}
