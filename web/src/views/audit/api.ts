// The three audit logs: cursor-paged lists (newest first) and CSV exports with the same
// filters. Types come from the generated OpenAPI schema.
import { client, saveDownload, unwrapCursor, type ApiItem, type ApiQuery } from '@/api/client';
export type { CursorPage } from '@/api/types';

export type OperationEntry = ApiItem<'/api/v1/audit/operations'>;
export type DataChangeEntry = ApiItem<'/api/v1/audit/data-changes'>;
export type LoginEntry = ApiItem<'/api/v1/audit/logins'>;

export type AuditLog = 'operations' | 'data-changes' | 'logins';
export type AuditQuery = ApiQuery<'/api/v1/audit/operations'> &
  ApiQuery<'/api/v1/audit/data-changes'> &
  ApiQuery<'/api/v1/audit/logins'>;

export const auditApi = {
  operations: (query: ApiQuery<'/api/v1/audit/operations'>) =>
    unwrapCursor(client.GET('/api/v1/audit/operations', { params: { query } })),
  dataChanges: (query: ApiQuery<'/api/v1/audit/data-changes'>) =>
    unwrapCursor(client.GET('/api/v1/audit/data-changes', { params: { query } })),
  logins: (query: ApiQuery<'/api/v1/audit/logins'>) =>
    unwrapCursor(client.GET('/api/v1/audit/logins', { params: { query } })),
  exportOperations: (query: ApiQuery<'/api/v1/audit/operations/export'>) =>
    saveDownload(
      client.GET('/api/v1/audit/operations/export', { params: { query }, parseAs: 'blob' }),
      'operations.csv',
    ),
  exportDataChanges: (query: ApiQuery<'/api/v1/audit/data-changes/export'>) =>
    saveDownload(
      client.GET('/api/v1/audit/data-changes/export', { params: { query }, parseAs: 'blob' }),
      'data-changes.csv',
    ),
  exportLogins: (query: ApiQuery<'/api/v1/audit/logins/export'>) =>
    saveDownload(
      client.GET('/api/v1/audit/logins/export', { params: { query }, parseAs: 'blob' }),
      'logins.csv',
    ),
};
