// The three audit logs: cursor-paged lists (newest first) and CSV exports with the same
// filters. Types come from the generated OpenAPI schema.
import { apiFetch, apiUrl, requestEnvelope, toApiError, type QueryValue } from '@/api/request';
import type { paths } from '@/api/schema';
import type { CursorPagination } from '@/api/types';

type ListOf<P extends keyof paths> = paths[P] extends {
  get: { responses: { 200: { content: { 'application/json': { data: (infer I)[] } } } } };
}
  ? I
  : never;

export type OperationEntry = ListOf<'/api/v1/audit/operations'>;
export type DataChangeEntry = ListOf<'/api/v1/audit/data-changes'>;
export type LoginEntry = ListOf<'/api/v1/audit/logins'>;

export type AuditLog = 'operations' | 'data-changes' | 'logins';
export type AuditQuery = Record<string, QueryValue>;

export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

export async function listLog<T>(log: AuditLog, query: AuditQuery): Promise<CursorPage<T>> {
  const envelope = await requestEnvelope<T[]>(`/api/v1/audit/${log}`, { query });
  const pagination = envelope.pagination as CursorPagination | undefined;
  return { items: envelope.data, nextCursor: pagination?.nextCursor ?? null };
}

/**
 * Downloads a log's CSV export: fetched through the request pipeline (bearer token,
 * refresh on 401), then saved from a blob link, since a plain link cannot carry the token.
 */
export async function exportLog(log: AuditLog, query: AuditQuery): Promise<void> {
  const response = await apiFetch(new Request(apiUrl(`/api/v1/audit/${log}/export`, query)));
  if (!response.ok) {
    throw toApiError(response, null);
  }
  const disposition = response.headers.get('content-disposition') ?? '';
  const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `${log}.csv`;
  const url = URL.createObjectURL(await response.blob());
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
  } finally {
    // Give the browser a moment to start the download before the URL goes away.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
