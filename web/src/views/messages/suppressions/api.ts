// Suppression list endpoints (MS-7) as the console pages call them. Types come from the
// generated OpenAPI schema (api/schema.d.ts).
import { apiFetch, apiUrl, request, requestEnvelope, toApiError } from '@/api/request';
import type { paths } from '@/api/schema';
import type { PagePagination } from '@/api/types';

type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;

export type Suppression = JsonOf<paths['/api/v1/suppressions']['get']['responses'][200]>['data'][number];
export type SuppressionQuery = NonNullable<paths['/api/v1/suppressions']['get']['parameters']['query']>;
export type CreateSuppressionBody = JsonOf<NonNullable<paths['/api/v1/suppressions']['post']['requestBody']>>;

export const SOURCES = ['mo', 'manual', 'import'] as const;

const base = '/api/v1/suppressions';

export const suppressionsApi = {
  list: async (query: SuppressionQuery): Promise<{ items: Suppression[]; pagination: PagePagination }> => {
    const envelope = await requestEnvelope<Suppression[]>(base, { query });
    const pagination = envelope.pagination as PagePagination | undefined;
    return {
      items: envelope.data,
      pagination: pagination ?? {
        page: 1,
        size: envelope.data.length,
        total: envelope.data.length,
        pages: 1,
      },
    };
  },
  create: (body: CreateSuppressionBody) => request<Suppression>(base, { method: 'POST', body }),
  remove: (id: string) => request<unknown>(`${base}/${id}`, { method: 'DELETE' }),
  import: (csv: string, enterpriseId?: string) =>
    request<{ imported: number; skipped: number }>(`${base}/import`, {
      method: 'POST',
      body: { csv, ...(enterpriseId ? { enterpriseId } : {}) },
    }),
  /** Downloads the list as CSV through the request pipeline (token, refresh). */
  exportCsv: async (enterpriseId?: string): Promise<void> => {
    const response = await apiFetch(
      new Request(apiUrl(`${base}/export`, enterpriseId ? { enterpriseId } : {})),
    );
    if (!response.ok) {
      throw toApiError(response, null);
    }
    const disposition = response.headers.get('content-disposition') ?? '';
    const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'suppressions.csv';
    const url = URL.createObjectURL(await response.blob());
    try {
      const link = document.createElement('a');
      link.href = url;
      link.download = filename;
      document.body.appendChild(link);
      link.click();
      link.remove();
    } finally {
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    }
  },
};
