// The providers module's endpoints as the console pages call them. Types come from the
// generated OpenAPI schema (api/schema.d.ts), so a server change shows up at compile time.
import { request, requestEnvelope } from '@/api/request';
import type { paths } from '@/api/schema';
import type { CursorPagination, PagePagination } from '@/api/types';

type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type DataOf<P extends keyof paths, M extends 'get' | 'post' | 'patch'> =
  NonNullable<paths[P][M]> extends { responses: { 200: infer R } }
    ? JsonOf<R> extends { data: infer D }
      ? D
      : never
    : never;
type BodyOf<P extends keyof paths, M extends 'post' | 'patch'> =
  NonNullable<paths[P][M]> extends { requestBody?: infer B } ? JsonOf<NonNullable<B>> : never;

export type Provider = DataOf<'/api/v1/providers', 'get'>[number];
export type ProviderQuery = NonNullable<paths['/api/v1/providers']['get']['parameters']['query']>;
export type CreateProviderBody = BodyOf<'/api/v1/providers', 'post'>;
export type UpdateProviderBody = BodyOf<'/api/v1/providers/{id}', 'patch'>;
export type ProviderCost = DataOf<'/api/v1/providers/{id}/costs', 'get'>[number];
export type CreateCostBody = BodyOf<'/api/v1/providers/{id}/costs', 'post'>;
export type StatusLog = DataOf<'/api/v1/providers/{id}/status-logs', 'get'>[number];
export type TestSendBody = BodyOf<'/api/v1/providers/{id}/test-send', 'post'>;
export type TestSendResult = DataOf<'/api/v1/providers/{id}/test-send', 'post'>;
export type ProviderChannel = Provider['channel'];
export type ProviderType = Provider['type'];
export type ProviderHealth = Provider['health'];

export interface Page<T> {
  items: T[];
  pagination: PagePagination;
}

const base = '/api/v1/providers';

async function page<T>(
  path: string,
  query: Record<string, string | number | boolean | undefined>,
): Promise<Page<T>> {
  const envelope = await requestEnvelope<T[]>(path, { query });
  const pagination = envelope.pagination as PagePagination | undefined;
  return {
    items: envelope.data,
    pagination: pagination ?? { page: 1, size: envelope.data.length, total: envelope.data.length, pages: 1 },
  };
}

export const providersApi = {
  list: (query: ProviderQuery) => page<Provider>(base, query),
  get: (id: string) => request<Provider>(`${base}/${id}`),
  create: (body: CreateProviderBody) => request<Provider>(base, { method: 'POST', body }),
  update: (id: string, body: UpdateProviderBody) =>
    request<Provider>(`${base}/${id}`, { method: 'PATCH', body }),
  remove: (id: string) => request<unknown>(`${base}/${id}`, { method: 'DELETE' }),
  setEnabled: (id: string, enabled: boolean) =>
    request<Provider>(`${base}/${id}/${enabled ? 'enable' : 'disable'}`, { method: 'POST', body: {} }),
  unfreeze: (id: string, reason: string) =>
    request<Provider>(`${base}/${id}/unfreeze`, { method: 'POST', body: { reason } }),
  statusLogs: async (
    id: string,
    cursor?: string,
  ): Promise<{ items: StatusLog[]; nextCursor: string | null }> => {
    const envelope = await requestEnvelope<StatusLog[]>(`${base}/${id}/status-logs`, {
      query: { size: 50, cursor },
    });
    return {
      items: envelope.data,
      nextCursor: (envelope.pagination as CursorPagination | undefined)?.nextCursor ?? null,
    };
  },
  costs: (id: string, query: { page: number; size: number }) =>
    page<ProviderCost>(`${base}/${id}/costs`, query),
  createCost: (id: string, body: CreateCostBody) =>
    request<ProviderCost>(`${base}/${id}/costs`, { method: 'POST', body }),
  updateCost: (id: string, costId: string, body: { currency?: string; cost?: number }) =>
    request<ProviderCost>(`${base}/${id}/costs/${costId}`, { method: 'PATCH', body }),
  removeCost: (id: string, costId: string) =>
    request<unknown>(`${base}/${id}/costs/${costId}`, { method: 'DELETE' }),
  testSend: (id: string, body: TestSendBody) =>
    request<TestSendResult>(`${base}/${id}/test-send`, { method: 'POST', body }),
};
