// The providers module's endpoints as the console pages call them. Types come from the
// generated OpenAPI schema (api/schema.d.ts), so a server change shows up at compile time.
import {
  client,
  unwrap,
  unwrapCursor,
  unwrapPage,
  type ApiBody,
  type ApiData,
  type ApiItem,
  type ApiQuery,
} from '@/api/client';
export type { Page } from '@/api/types';

export type Provider = ApiItem<'/api/v1/providers'>;
export type ProviderQuery = ApiQuery<'/api/v1/providers'>;
export type CreateProviderBody = ApiBody<'/api/v1/providers', 'post'>;
export type UpdateProviderBody = ApiBody<'/api/v1/providers/{id}', 'patch'>;
export type ProviderCost = ApiItem<'/api/v1/providers/{id}/costs'>;
export type CreateCostBody = ApiBody<'/api/v1/providers/{id}/costs', 'post'>;
export type StatusLog = ApiItem<'/api/v1/providers/{id}/status-logs'>;
export type TestSendBody = ApiBody<'/api/v1/providers/{id}/test-send', 'post'>;
export type TestSendResult = ApiData<'/api/v1/providers/{id}/test-send', 'post'>;
export type ProviderChannel = Provider['channel'];
export type ProviderType = Provider['type'];
export type ProviderHealth = Provider['health'];

const id = (value: string) => ({ params: { path: { id: value } } });
const cost = (providerId: string, costId: string) => ({ params: { path: { id: providerId, costId } } });

export const providersApi = {
  list: (query: ProviderQuery) => unwrapPage(client.GET('/api/v1/providers', { params: { query } })),
  get: (value: string) => unwrap(client.GET('/api/v1/providers/{id}', id(value))),
  create: (body: CreateProviderBody) => unwrap(client.POST('/api/v1/providers', { body })),
  update: (value: string, body: UpdateProviderBody) =>
    unwrap(client.PATCH('/api/v1/providers/{id}', { ...id(value), body })),
  remove: (value: string) => unwrap(client.DELETE('/api/v1/providers/{id}', id(value))),
  setEnabled: (value: string, enabled: boolean) =>
    enabled
      ? unwrap(client.POST('/api/v1/providers/{id}/enable', { ...id(value), body: {} }))
      : unwrap(client.POST('/api/v1/providers/{id}/disable', { ...id(value), body: {} })),
  unfreeze: (value: string, reason: string) =>
    unwrap(client.POST('/api/v1/providers/{id}/unfreeze', { ...id(value), body: { reason } })),
  statusLogs: (value: string, cursor?: string) =>
    unwrapCursor(
      client.GET('/api/v1/providers/{id}/status-logs', {
        params: { path: { id: value }, query: { size: 50, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  costs: (value: string, query: { page: number; size: number }) =>
    unwrapPage(client.GET('/api/v1/providers/{id}/costs', { params: { path: { id: value }, query } })),
  createCost: (value: string, body: CreateCostBody) =>
    unwrap(client.POST('/api/v1/providers/{id}/costs', { ...id(value), body })),
  updateCost: (
    value: string,
    costId: string,
    body: ApiBody<'/api/v1/providers/{id}/costs/{costId}', 'patch'>,
  ) => unwrap(client.PATCH('/api/v1/providers/{id}/costs/{costId}', { ...cost(value, costId), body })),
  removeCost: (value: string, costId: string) =>
    unwrap(client.DELETE('/api/v1/providers/{id}/costs/{costId}', cost(value, costId))),
  testSend: (value: string, body: TestSendBody) =>
    unwrap(client.POST('/api/v1/providers/{id}/test-send', { ...id(value), body })),
};
