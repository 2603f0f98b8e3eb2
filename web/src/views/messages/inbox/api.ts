// Inbox endpoints (MS-6) as the console pages call them. Types come from the generated
// OpenAPI schema (api/schema.d.ts).
import { onePage } from '@/api/types';
import { client, unwrap, unwrapCursor, type ApiBody, type ApiItem, type ApiQuery } from '@/api/client';

export type Inbound = ApiItem<'/api/v1/messages/inbox'>;
export type InboxQuery = ApiQuery<'/api/v1/messages/inbox'>;
export type InboxKeyword = ApiItem<'/api/v1/messages/inbox/keywords'>;
export type InboxKeywordQuery = ApiQuery<'/api/v1/messages/inbox/keywords'>;
export type CreateInboxKeywordBody = ApiBody<'/api/v1/messages/inbox/keywords', 'post'>;

export const CLASSIFICATIONS = ['opt_out', 'opt_in', 'reply', 'keyword', 'unknown'] as const;

export const CLASSIFICATION_COLORS: Record<(typeof CLASSIFICATIONS)[number], string> = {
  opt_out: 'red',
  opt_in: 'green',
  reply: 'blue',
  keyword: 'purple',
  unknown: 'default',
};

const id = (value: string) => ({ params: { path: { id: value } } });

export const inboxApi = {
  list: (query: InboxQuery) => unwrapCursor(client.GET('/api/v1/messages/inbox', { params: { query } })),
  keywords: async (query: InboxKeywordQuery) =>
    onePage(await unwrap(client.GET('/api/v1/messages/inbox/keywords', { params: { query } }))),
  createKeyword: (body: CreateInboxKeywordBody) =>
    unwrap(client.POST('/api/v1/messages/inbox/keywords', { body })),
  deleteKeyword: (value: string) => unwrap(client.DELETE('/api/v1/messages/inbox/keywords/{id}', id(value))),
};
