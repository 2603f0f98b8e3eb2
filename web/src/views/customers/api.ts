// The customers module's endpoints as the console pages call them. Types come from the
// generated OpenAPI schema (api/schema.d.ts), so a server change shows up at compile time.
import { request, requestEnvelope } from '@/api/request';
import type { paths } from '@/api/schema';
import type { PagePagination } from '@/api/types';

type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type DataOf<P extends keyof paths, M extends 'get' | 'post' | 'patch' | 'delete'> =
  NonNullable<paths[P][M]> extends { responses: { 200: infer R } }
    ? JsonOf<R> extends { data: infer D }
      ? D
      : never
    : never;
type BodyOf<P extends keyof paths, M extends 'post' | 'patch'> =
  NonNullable<paths[P][M]> extends { requestBody?: infer B } ? JsonOf<NonNullable<B>> : never;

export type Enterprise = DataOf<'/api/v1/customers/enterprises/{id}', 'get'>;
export type CreateEnterpriseBody = BodyOf<'/api/v1/customers/enterprises', 'post'>;
export type UpdateEnterpriseBody = BodyOf<'/api/v1/customers/enterprises/{id}', 'patch'>;
export type EnterpriseQuery = NonNullable<
  paths['/api/v1/customers/enterprises']['get']['parameters']['query']
>;
export type SendingAccount = DataOf<'/api/v1/customers/sending/{id}', 'get'>;
export type CreateSendingAccountBody = BodyOf<'/api/v1/customers/sending', 'post'>;
export type UpdateSendingAccountBody = BodyOf<'/api/v1/customers/sending/{id}', 'patch'>;
export type SendingAccountQuery = NonNullable<
  paths['/api/v1/customers/sending']['get']['parameters']['query']
>;
export type ApiKey = DataOf<'/api/v1/customers/sending/{id}/keys', 'get'>[number];
export type IssuedApiKey = DataOf<'/api/v1/customers/sending/{id}/keys', 'post'>;
export type Sender = DataOf<'/api/v1/customers/senders/{id}', 'get'>;
export type SenderQuery = NonNullable<paths['/api/v1/customers/senders']['get']['parameters']['query']>;
export type CreateSenderBody = BodyOf<'/api/v1/customers/senders', 'post'>;
export type SenderDomain = DataOf<'/api/v1/customers/domains', 'get'>[number];
export type DomainQuery = NonNullable<paths['/api/v1/customers/domains']['get']['parameters']['query']>;

export const ENTERPRISE_STATUSES = ['active', 'suspended'] as const;
export const TRUST_LEVELS = ['low', 'normal', 'high'] as const;
export const CHANNELS = ['sms', 'email', 'inapp', 'webhook'] as const;
export const SENDER_CHANNELS = ['sms', 'email'] as const;
export const SENDER_STATUSES = ['pending', 'approved', 'rejected'] as const;

export interface Page<T> {
  items: T[];
  pagination: PagePagination;
}

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

const enterprises = '/api/v1/customers/enterprises';
const sending = '/api/v1/customers/sending';
const senders = '/api/v1/customers/senders';
const domains = '/api/v1/customers/domains';

export const customersApi = {
  listEnterprises: (query: EnterpriseQuery) => page<Enterprise>(enterprises, query),
  getEnterprise: (id: string) => request<Enterprise>(`${enterprises}/${id}`),
  createEnterprise: (body: CreateEnterpriseBody) =>
    request<Enterprise>(enterprises, { method: 'POST', body }),
  updateEnterprise: (id: string, body: UpdateEnterpriseBody) =>
    request<Enterprise>(`${enterprises}/${id}`, { method: 'PATCH', body }),
  deleteEnterprise: (id: string) => request<unknown>(`${enterprises}/${id}`, { method: 'DELETE' }),
  suspendEnterprise: (id: string) => request<Enterprise>(`${enterprises}/${id}/suspend`, { method: 'POST' }),
  resumeEnterprise: (id: string) => request<Enterprise>(`${enterprises}/${id}/resume`, { method: 'POST' }),
  enterpriseSending: (id: string, query: { page: number; size: number }) =>
    page<SendingAccount>(`${enterprises}/${id}/sending`, query),

  listSending: (query: SendingAccountQuery) => page<SendingAccount>(sending, query),
  getSending: (id: string) => request<SendingAccount>(`${sending}/${id}`),
  createSending: (body: CreateSendingAccountBody) =>
    request<SendingAccount>(sending, { method: 'POST', body }),
  updateSending: (id: string, body: UpdateSendingAccountBody) =>
    request<SendingAccount>(`${sending}/${id}`, { method: 'PATCH', body }),
  deleteSending: (id: string) => request<unknown>(`${sending}/${id}`, { method: 'DELETE' }),
  listKeys: (id: string, query: { page: number; size: number; includeRevoked?: boolean }) =>
    page<ApiKey>(`${sending}/${id}/keys`, query),
  issueKey: (id: string, name?: string) =>
    request<IssuedApiKey>(`${sending}/${id}/keys`, { method: 'POST', body: name ? { name } : {} }),
  revokeKey: (keyId: string) => request<unknown>(`/api/v1/identity/api-keys/${keyId}`, { method: 'DELETE' }),

  listSenders: (query: SenderQuery) => page<Sender>(senders, query),
  createSender: (body: CreateSenderBody) => request<Sender>(senders, { method: 'POST', body }),
  deleteSender: (id: string) => request<unknown>(`${senders}/${id}`, { method: 'DELETE' }),
  approveSender: (id: string) => request<Sender>(`${senders}/${id}/approve`, { method: 'POST', body: {} }),
  rejectSender: (id: string, note?: string) =>
    request<Sender>(`${senders}/${id}/reject`, { method: 'POST', body: note ? { note } : {} }),

  listDomains: (query: DomainQuery) => page<SenderDomain>(domains, query),
  createDomain: (body: { enterpriseId?: string; domain: string }) =>
    request<SenderDomain>(domains, { method: 'POST', body }),
  deleteDomain: (id: string) => request<unknown>(`${domains}/${id}`, { method: 'DELETE' }),

  /** Enterprise names for pickers and columns (first 100 by newest). */
  enterpriseOptions: async (): Promise<Enterprise[]> =>
    (await page<Enterprise>(enterprises, { page: 1, size: 100 })).items,
};
