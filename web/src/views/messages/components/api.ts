// The send API, the message store and the delivery queues (MS-1…MS-5) as the console pages
// call them. Types come from the generated OpenAPI schema (api/schema.d.ts).
import { request, requestEnvelope } from '@/api/request';
import type { paths } from '@/api/schema';
import type { CursorPagination } from '@/api/types';

type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type DataOf<R> = JsonOf<R> extends { data: infer D } ? D : never;

export type SendBody = JsonOf<NonNullable<paths['/api/v1/messages']['post']['requestBody']>>;
export type Accepted = DataOf<paths['/api/v1/messages']['post']['responses'][201]>;
export type Quote = DataOf<paths['/api/v1/messages/quote']['post']['responses'][200]>;
export type Message = DataOf<paths['/api/v1/messages/outbox']['get']['responses'][200]>[number];
export type MessageDetail = DataOf<paths['/api/v1/messages/{id}']['get']['responses'][200]>;
export type MessageStatusView = DataOf<paths['/api/v1/messages/{id}/status']['get']['responses'][200]>;
export type OutboxQuery = NonNullable<paths['/api/v1/messages/outbox']['get']['parameters']['query']>;
export type QueueState = DataOf<paths['/api/v1/delivery/queues']['get']['responses'][200]>[number];
export type MessageStatus = Message['status'];

export const STATUSES: readonly MessageStatus[] = [
  'accepted',
  'queued',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'expired',
  'failed',
  'rejected',
  'canceled',
  'partially_delivered',
];

/** Statuses a message never leaves. */
export const FINAL_STATUSES: ReadonlySet<string> = new Set([
  'delivered',
  'undelivered',
  'expired',
  'failed',
  'rejected',
  'canceled',
  'partially_delivered',
]);

/** Tag colours: in progress blue, done green, failed red, gone grey. */
export const STATUS_COLORS: Record<string, string> = {
  accepted: 'default',
  queued: 'cyan',
  sending: 'processing',
  sent: 'blue',
  delivered: 'success',
  partially_delivered: 'warning',
  undelivered: 'error',
  expired: 'orange',
  failed: 'error',
  rejected: 'magenta',
  canceled: 'default',
  // timeline-only steps
  retry: 'orange',
  receipt: 'purple',
};

export function isCancelable(status: string): boolean {
  return status === 'accepted' || status === 'queued';
}

const base = '/api/v1/messages';

export const messagesApi = {
  /** Silent: the send page shows rejections inline, next to the field at fault. */
  send: (body: SendBody) => request<Accepted>(base, { method: 'POST', body, silent: true }),
  quote: (body: SendBody, signal?: AbortSignal) =>
    request<Quote>(`${base}/quote`, { method: 'POST', body, silent: true, ...(signal ? { signal } : {}) }),
  outbox: async (query: OutboxQuery): Promise<{ items: Message[]; nextCursor: string | null }> => {
    const envelope = await requestEnvelope<Message[]>(`${base}/outbox`, { query });
    return {
      items: envelope.data,
      nextCursor: (envelope.pagination as CursorPagination | undefined)?.nextCursor ?? null,
    };
  },
  detail: (id: string) => request<MessageDetail>(`${base}/${id}`),
  /** Silent: polled in the background; a failed poll just waits for the next one. */
  status: (id: string) => request<MessageStatusView>(`${base}/${id}/status`, { silent: true }),
  cancel: (id: string) => request<Message>(`${base}/${id}/cancel`, { method: 'POST' }),
};

export const queuesApi = {
  list: () => request<QueueState[]>('/api/v1/delivery/queues'),
  pause: (providerId: string) =>
    request<QueueState[]>(`/api/v1/delivery/queues/${providerId}/pause`, { method: 'POST' }),
  resume: (providerId: string) =>
    request<QueueState[]>(`/api/v1/delivery/queues/${providerId}/resume`, { method: 'POST' }),
};
