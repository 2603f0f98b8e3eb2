// Page pagination for console lists and cursor pagination for large lists (messages, logs),
// SPEC §16. `size` is capped so no list can be asked for whole.
import { Type, type Static } from 'typebox';
import type { SelectQueryBuilder } from 'kysely';
import { errors } from './errors.js';
import type { Pagination } from './envelope.js';

export const MAX_PAGE_SIZE = 100;
export const MAX_CURSOR_SIZE = 500;

export const PageQuery = Type.Object({
  page: Type.Integer({ minimum: 1, default: 1, description: 'Page number, from 1.' }),
  size: Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 20, description: 'Items per page.' }),
});
export type PageQuery = Static<typeof PageQuery>;

export const CursorQuery = Type.Object({
  cursor: Type.Optional(
    Type.String({ maxLength: 512, description: 'Opaque cursor from the previous page.' }),
  ),
  size: Type.Integer({ minimum: 1, maximum: MAX_CURSOR_SIZE, default: 50, description: 'Items per page.' }),
});
export type CursorQuery = Static<typeof CursorQuery>;

export function pageWindow(q: { page: number; size: number }): { limit: number; offset: number } {
  return { limit: q.size, offset: (q.page - 1) * q.size };
}

export function pagination(q: { page: number; size: number }, total: number): Pagination {
  return { page: q.page, size: q.size, total, pages: Math.ceil(total / q.size) };
}

/**
 * Runs a page query: counts the filtered rows and fetches one page, newest first by the
 * given order. `base` carries the filters; it is cloned for the count.
 */
export async function fetchPage<DB, TB extends keyof DB, O>(
  base: SelectQueryBuilder<DB, TB, O>,
  q: { page: number; size: number },
  apply: (qb: SelectQueryBuilder<DB, TB, O>) => SelectQueryBuilder<DB, TB, O>,
): Promise<{ items: O[]; pagination: Pagination }> {
  const { limit, offset } = pageWindow(q);
  const [countRow, items] = await Promise.all([
    base
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst() as Promise<{ n: number | string } | undefined>,
    apply(base).limit(limit).offset(offset).execute(),
  ]);
  return { items, pagination: pagination(q, Number(countRow?.n ?? 0)) };
}

/** A cursor is the sort key and id of the last row seen, base64url-encoded. */
export function encodeCursor(sortKey: string | number, id: string): string {
  return Buffer.from(JSON.stringify([sortKey, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { sortKey: string | number; id: string } {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      typeof v[1] === 'string' &&
      ['string', 'number'].includes(typeof v[0])
    ) {
      return { sortKey: v[0] as string | number, id: v[1] };
    }
  } catch {
    // fall through
  }
  throw errors.invalid([{ field: 'cursor', reason: 'invalid' }]);
}

/** Given size+1 fetched rows, returns the page and the next cursor. */
export function cursorPage<T>(
  rows: T[],
  size: number,
  keyOf: (row: T) => { sortKey: string | number; id: string },
): { items: T[]; nextCursor: string | null } {
  if (rows.length <= size) {
    return { items: rows, nextCursor: null };
  }
  const items = rows.slice(0, size);
  const last = items[items.length - 1] as T;
  const k = keyOf(last);
  return { items, nextCursor: encodeCursor(k.sortKey, k.id) };
}
