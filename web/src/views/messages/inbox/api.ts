// Inbox endpoints (MS-6) as the console pages call them. Types come from the generated
// OpenAPI schema (api/schema.d.ts).
import { requestEnvelope } from '@/api/request';
import type { paths } from '@/api/schema';
import type { CursorPagination } from '@/api/types';

type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;

export type Inbound = JsonOf<paths['/api/v1/messages/inbox']['get']['responses'][200]>['data'][number];
export type InboxQuery = NonNullable<paths['/api/v1/messages/inbox']['get']['parameters']['query']>;

export const CLASSIFICATIONS = ['opt_out', 'opt_in', 'reply', 'keyword', 'unknown'] as const;

export const CLASSIFICATION_COLORS: Record<(typeof CLASSIFICATIONS)[number], string> = {
  opt_out: 'red',
  opt_in: 'green',
  reply: 'blue',
  keyword: 'purple',
  unknown: 'default',
};

export const inboxApi = {
  list: async (query: InboxQuery): Promise<{ items: Inbound[]; nextCursor: string | null }> => {
    const envelope = await requestEnvelope<Inbound[]>('/api/v1/messages/inbox', { query });
    return {
      items: envelope.data,
      nextCursor: (envelope.pagination as CursorPagination | undefined)?.nextCursor ?? null,
    };
  },
};
