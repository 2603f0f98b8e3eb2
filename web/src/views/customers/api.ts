// The customers module's endpoints as the console pages call them. Types come from the
// generated OpenAPI schema (api/schema.d.ts), so a server change shows up at compile time.
import {
  client,
  unwrap,
  unwrapPage,
  type ApiBody,
  type ApiData,
  type ApiItem,
  type ApiQuery,
} from '@/api/client';
export type { Page } from '@/api/types';

export type Enterprise = ApiData<'/api/v1/customers/enterprises/{id}'>;
export type CreateEnterpriseBody = ApiBody<'/api/v1/customers/enterprises', 'post'>;
export type UpdateEnterpriseBody = ApiBody<'/api/v1/customers/enterprises/{id}', 'patch'>;
export type EnterpriseQuery = ApiQuery<'/api/v1/customers/enterprises'>;
export type SendingAccount = ApiData<'/api/v1/customers/sending/{id}'>;
export type CreateSendingAccountBody = ApiBody<'/api/v1/customers/sending', 'post'>;
export type UpdateSendingAccountBody = ApiBody<'/api/v1/customers/sending/{id}', 'patch'>;
export type SendingAccountQuery = ApiQuery<'/api/v1/customers/sending'>;
export type ApiKey = ApiItem<'/api/v1/customers/sending/{id}/keys'>;
export type IssuedApiKey = ApiData<'/api/v1/customers/sending/{id}/keys', 'post'>;
export type Sender = ApiData<'/api/v1/customers/senders/{id}'>;
export type SenderQuery = ApiQuery<'/api/v1/customers/senders'>;
export type CreateSenderBody = ApiBody<'/api/v1/customers/senders', 'post'>;
export type SenderDomain = ApiItem<'/api/v1/customers/domains'>;
export type DomainQuery = ApiQuery<'/api/v1/customers/domains'>;

export const ENTERPRISE_STATUSES = ['active', 'suspended'] as const;
export const TRUST_LEVELS = ['low', 'normal', 'high'] as const;
export const CHANNELS = ['sms', 'email', 'inapp', 'webhook'] as const;
export const SENDER_CHANNELS = ['sms', 'email'] as const;
export const SENDER_STATUSES = ['pending', 'approved', 'rejected'] as const;

const id = (value: string) => ({ params: { path: { id: value } } });

export const customersApi = {
  listEnterprises: (query: EnterpriseQuery) =>
    unwrapPage(client.GET('/api/v1/customers/enterprises', { params: { query } })),
  getEnterprise: (value: string) => unwrap(client.GET('/api/v1/customers/enterprises/{id}', id(value))),
  createEnterprise: (body: CreateEnterpriseBody) =>
    unwrap(client.POST('/api/v1/customers/enterprises', { body })),
  updateEnterprise: (value: string, body: UpdateEnterpriseBody) =>
    unwrap(client.PATCH('/api/v1/customers/enterprises/{id}', { ...id(value), body })),
  deleteEnterprise: (value: string) => unwrap(client.DELETE('/api/v1/customers/enterprises/{id}', id(value))),
  suspendEnterprise: (value: string) =>
    unwrap(client.POST('/api/v1/customers/enterprises/{id}/suspend', id(value))),
  resumeEnterprise: (value: string) =>
    unwrap(client.POST('/api/v1/customers/enterprises/{id}/resume', id(value))),
  enterpriseSending: (value: string, query: { page: number; size: number }) =>
    unwrapPage(
      client.GET('/api/v1/customers/enterprises/{id}/sending', { params: { path: { id: value }, query } }),
    ),

  listSending: (query: SendingAccountQuery) =>
    unwrapPage(client.GET('/api/v1/customers/sending', { params: { query } })),
  getSending: (value: string) => unwrap(client.GET('/api/v1/customers/sending/{id}', id(value))),
  createSending: (body: CreateSendingAccountBody) =>
    unwrap(client.POST('/api/v1/customers/sending', { body })),
  updateSending: (value: string, body: UpdateSendingAccountBody) =>
    unwrap(client.PATCH('/api/v1/customers/sending/{id}', { ...id(value), body })),
  deleteSending: (value: string) => unwrap(client.DELETE('/api/v1/customers/sending/{id}', id(value))),
  listKeys: (value: string, query: { page: number; size: number; includeRevoked?: boolean }) =>
    unwrapPage(client.GET('/api/v1/customers/sending/{id}/keys', { params: { path: { id: value }, query } })),
  issueKey: (value: string, name?: string) =>
    unwrap(client.POST('/api/v1/customers/sending/{id}/keys', { ...id(value), body: name ? { name } : {} })),
  revokeKey: (keyId: string) => unwrap(client.DELETE('/api/v1/identity/api-keys/{id}', id(keyId))),

  listSenders: (query: SenderQuery) =>
    unwrapPage(client.GET('/api/v1/customers/senders', { params: { query } })),
  createSender: (body: CreateSenderBody) => unwrap(client.POST('/api/v1/customers/senders', { body })),
  deleteSender: (value: string) => unwrap(client.DELETE('/api/v1/customers/senders/{id}', id(value))),
  approveSender: (value: string) =>
    unwrap(client.POST('/api/v1/customers/senders/{id}/approve', { ...id(value), body: {} })),
  rejectSender: (value: string, note?: string) =>
    unwrap(
      client.POST('/api/v1/customers/senders/{id}/reject', { ...id(value), body: note ? { note } : {} }),
    ),

  listDomains: (query: DomainQuery) =>
    unwrapPage(client.GET('/api/v1/customers/domains', { params: { query } })),
  createDomain: (body: ApiBody<'/api/v1/customers/domains', 'post'>) =>
    unwrap(client.POST('/api/v1/customers/domains', { body })),
  deleteDomain: (value: string) => unwrap(client.DELETE('/api/v1/customers/domains/{id}', id(value))),
};
