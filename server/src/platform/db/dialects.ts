// Portable column types and the few places where SQLite and PostgreSQL differ. Migrations
// and repositories ask here instead of branching on the dialect themselves.
import { sql, type ColumnDataType, type Expression, type RawBuilder } from 'kysely';
import type { DialectName } from './database.js';

/** Column type for integer micro-unit money and large counters. */
export const money = 'bigint' satisfies ColumnDataType;
/** Column type for UTC ISO-8601 timestamps (text on both dialects, so they sort and compare alike). */
export const timestamp = 'text' satisfies ColumnDataType;
/** Column type for a UUIDv7 id. */
export const id = 'text' satisfies ColumnDataType;

/** A CHECK constraint expression limiting a text column to an enumeration. */
export function enumCheck(column: string, values: readonly string[]): Expression<unknown> {
  const list = values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ');
  return sql.raw(`${column} in (${list})`);
}

/** Case-insensitive LIKE for search boxes. */
export function ilike(dialect: DialectName): 'like' | 'ilike' {
  // SQLite's LIKE is already case-insensitive for ASCII.
  return dialect === 'postgres' ? 'ilike' : 'like';
}

/** Escapes % and _ in user input for a LIKE pattern (used with `escape '\\'`). */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** `column like pattern escape '\'` for both dialects. */
export function likeEscaped(dialect: DialectName, column: string, text: string): RawBuilder<boolean> {
  const op = ilike(dialect);
  return sql<boolean>`${sql.ref(column)} ${sql.raw(op)} ${likePattern(text)} escape '\\'`;
}
