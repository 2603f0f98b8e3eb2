// Callback endpoints (MS-8) as the console pages call them. Types come from the generated
// OpenAPI schema (api/schema.d.ts).
import { client, unwrap, unwrapCursor, type ApiData, type ApiItem, type ApiQuery } from '@/api/client';

export type Callback = ApiData<'/api/v1/callbacks/{id}'>;
export type CallbackAttempt = ApiItem<'/api/v1/callbacks/{id}/attempts'>;
export type CallbackQuery = ApiQuery<'/api/v1/callbacks'>;

export const CALLBACK_STATUSES = ['pending', 'delivered', 'dead'] as const;
export const CALLBACK_EVENTS = ['message.status', 'message.inbound'] as const;

const id = (value: string) => ({ params: { path: { id: value } } });

export const callbacksApi = {
  list: (query: CallbackQuery) => unwrapCursor(client.GET('/api/v1/callbacks', { params: { query } })),
  attempts: (value: string) => unwrap(client.GET('/api/v1/callbacks/{id}/attempts', id(value))),
  secret: (sendingAccountId: string) =>
    unwrap(client.GET('/api/v1/callbacks/accounts/{id}/secret', id(sendingAccountId))),
  resend: (value: string) => unwrap(client.POST('/api/v1/callbacks/{id}/resend', id(value))),
};
