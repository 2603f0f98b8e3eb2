// Callback endpoints (MS-8) as the console pages call them. Types come from the generated
// OpenAPI schema (api/schema.d.ts).
import { request, requestEnvelope } from '@/api/request';
import type { paths } from '@/api/schema';
import type { CursorPagination } from '@/api/types';

type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type DataOf<P extends keyof paths, M extends 'get' | 'post'> =
  NonNullable<paths[P][M]> extends { responses: { 200: infer R } }
    ? JsonOf<R> extends { data: infer D }
      ? D
      : never
    : never;

export type Callback = DataOf<'/api/v1/callbacks/{id}', 'get'>;
export type CallbackAttempt = DataOf<'/api/v1/callbacks/{id}/attempts', 'get'>[number];
export type CallbackQuery = NonNullable<paths['/api/v1/callbacks']['get']['parameters']['query']>;

export const CALLBACK_STATUSES = ['pending', 'delivered', 'dead'] as const;
export const CALLBACK_EVENTS = ['message.status', 'message.inbound'] as const;

const base = '/api/v1/callbacks';

export const callbacksApi = {
  list: async (query: CallbackQuery): Promise<{ items: Callback[]; nextCursor: string | null }> => {
    const envelope = await requestEnvelope<Callback[]>(base, { query });
    return {
      items: envelope.data,
      nextCursor: (envelope.pagination as CursorPagination | undefined)?.nextCursor ?? null,
    };
  },
  attempts: (id: string) => request<CallbackAttempt[]>(`${base}/${id}/attempts`),
  secret: (sendingAccountId: string) =>
    request<{ sendingAccountId: string; secret: string }>(`${base}/accounts/${sendingAccountId}/secret`),
  resend: (id: string) => request<Callback>(`${base}/${id}/resend`, { method: 'POST', body: {} }),
};
