// The send API, the message store and the delivery queues (MS-1…MS-5) as the console pages
// call them. Types come from the generated OpenAPI schema (api/schema.d.ts).
import {
  client,
  silentFetch,
  unwrap,
  unwrapCursor,
  type ApiBody,
  type ApiData,
  type ApiItem,
  type ApiQuery,
} from '@/api/client';

export type SendBody = ApiBody<'/api/v1/messages', 'post'>;
export type Accepted = ApiData<'/api/v1/messages', 'post'>;
export type Quote = ApiData<'/api/v1/messages/quote', 'post'>;
export type Message = ApiItem<'/api/v1/messages/outbox'>;
export type MessageDetail = ApiData<'/api/v1/messages/{id}'>;
export type MessageStatusView = ApiData<'/api/v1/messages/{id}/status'>;
export type OutboxQuery = ApiQuery<'/api/v1/messages/outbox'>;
export type QueueState = ApiItem<'/api/v1/delivery/queues'>;
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

const id = (value: string) => ({ params: { path: { id: value } } });

export const messagesApi = {
  /** Silent: the send page shows rejections inline, next to the field at fault. */
  send: (body: SendBody) => unwrap(client.POST('/api/v1/messages', { body, fetch: silentFetch })),
  quote: (body: SendBody, signal?: AbortSignal) =>
    unwrap(
      client.POST('/api/v1/messages/quote', { body, fetch: silentFetch, ...(signal ? { signal } : {}) }),
    ),
  outbox: (query: OutboxQuery) => unwrapCursor(client.GET('/api/v1/messages/outbox', { params: { query } })),
  detail: (value: string) => unwrap(client.GET('/api/v1/messages/{id}', id(value))),
  /** Silent: polled in the background; a failed poll just waits for the next one. */
  status: (value: string) =>
    unwrap(client.GET('/api/v1/messages/{id}/status', { ...id(value), fetch: silentFetch })),
  cancel: (value: string) => unwrap(client.POST('/api/v1/messages/{id}/cancel', id(value))),
};

export const queuesApi = {
  list: () => unwrap(client.GET('/api/v1/delivery/queues')),
  pause: (providerId: string) => unwrap(client.POST('/api/v1/delivery/queues/{id}/pause', id(providerId))),
  resume: (providerId: string) => unwrap(client.POST('/api/v1/delivery/queues/{id}/resume', id(providerId))),
};
