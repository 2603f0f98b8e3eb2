// Suppression list endpoints (MS-7) as the console pages call them. Types come from the
// generated OpenAPI schema (api/schema.d.ts).
import { onePage } from '@/api/types';
import {
  client,
  saveDownload,
  unwrap,
  unwrapPage,
  type ApiBody,
  type ApiItem,
  type ApiQuery,
} from '@/api/client';

export type Suppression = ApiItem<'/api/v1/suppressions'>;
export type SuppressionQuery = ApiQuery<'/api/v1/suppressions'>;
export type CreateSuppressionBody = ApiBody<'/api/v1/suppressions', 'post'>;
export type OptOutKeyword = ApiItem<'/api/v1/messages/opt-out-keywords'>;
export type CreateOptOutKeywordBody = ApiBody<'/api/v1/messages/opt-out-keywords', 'post'>;

export const SOURCES = ['mo', 'manual', 'import'] as const;

const id = (value: string) => ({ params: { path: { id: value } } });

export const suppressionsApi = {
  list: (query: SuppressionQuery) => unwrapPage(client.GET('/api/v1/suppressions', { params: { query } })),
  create: (body: CreateSuppressionBody) => unwrap(client.POST('/api/v1/suppressions', { body })),
  remove: (value: string) => unwrap(client.DELETE('/api/v1/suppressions/{id}', id(value))),
  import: (csv: string, enterpriseId?: string) =>
    unwrap(
      client.POST('/api/v1/suppressions/import', {
        body: { csv, ...(enterpriseId ? { enterpriseId } : {}) },
      }),
    ),
  /** Downloads the list as CSV through the request pipeline (token, refresh). */
  exportCsv: (enterpriseId?: string) =>
    saveDownload(
      client.GET('/api/v1/suppressions/export', {
        params: { query: enterpriseId ? { enterpriseId } : {} },
        parseAs: 'blob',
      }),
      'suppressions.csv',
    ),

  optOutKeywords: async () => onePage(await unwrap(client.GET('/api/v1/messages/opt-out-keywords'))),
  createOptOutKeyword: (body: CreateOptOutKeywordBody) =>
    unwrap(client.POST('/api/v1/messages/opt-out-keywords', { body })),
  deleteOptOutKeyword: (value: string) =>
    unwrap(client.DELETE('/api/v1/messages/opt-out-keywords/{id}', id(value))),
};
