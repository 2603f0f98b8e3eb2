// The server's response envelope (SPEC §16). Success: { code, message, data, pagination?,
// timestamp }; failure: a stable string `code`, a localized `message` and field errors.

export interface PagePagination {
  page: number;
  size: number;
  total: number;
  pages: number;
}

export interface CursorPagination {
  nextCursor: string | null;
  size: number;
}

export interface Envelope<T> {
  code: number;
  message: string;
  data: T;
  pagination?: PagePagination | CursorPagination;
  timestamp: string;
}

export interface FieldError {
  field: string;
  reason: string;
  message: string;
}

export interface ErrorEnvelope {
  code: string | number;
  message: string;
  data: null;
  errors?: FieldError[];
  details?: Record<string, unknown>;
  requestId?: string;
  timestamp: string;
}

export function isErrorEnvelope(body: unknown): body is ErrorEnvelope {
  return (
    typeof body === 'object' &&
    body !== null &&
    'code' in body &&
    'message' in body &&
    typeof (body as { message: unknown }).message === 'string'
  );
}

/** One page of a page-numbered list. */
export interface Page<T> {
  items: T[];
  pagination: PagePagination;
}

/** One page of a cursor-paged list. */
export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** An unpaged list as one page (small lists the server returns whole). */
export function onePage<T>(items: T[]): Page<T> {
  return { items, pagination: { page: 1, size: items.length, total: items.length, pages: 1 } };
}
