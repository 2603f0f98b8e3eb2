// Request and response schemas of customer callbacks (MS-8), and their error codes.
import { Type, type Static } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../../platform/http/schemas.js';
import { MAX_CURSOR_SIZE } from '../../platform/http/pagination.js';

export const CallbackStatusSchema = Type.Union([
  Type.Literal('pending'),
  Type.Literal('delivered'),
  Type.Literal('dead'),
]);
export const CallbackEventSchema = Type.Union([
  Type.Literal('message.status'),
  Type.Literal('message.inbound'),
]);

export const CallbackSchema = Type.Object({
  id: Uuid,
  enterpriseId: Uuid,
  sendingAccountId: Uuid,
  event: CallbackEventSchema,
  referenceId: Type.String({ description: 'The message id (status) or inbound message id' }),
  url: Type.String(),
  payload: Type.String({ description: 'The exact JSON body sent and signed' }),
  status: CallbackStatusSchema,
  attempts: Type.Integer(),
  nextAttemptAt: Nullable(Timestamp),
  expiresAt: Type.String({
    format: 'date-time',
    description: 'Retries stop here; then the callback is dead',
  }),
  lastStatusCode: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  deliveredAt: Nullable(Timestamp),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type CallbackView = Static<typeof CallbackSchema>;

export const CallbackAttemptSchema = Type.Object({
  id: Uuid,
  attempt: Type.Integer(),
  outcome: Type.Union([Type.Literal('delivered'), Type.Literal('failed')]),
  statusCode: Nullable(Type.Integer({ description: 'HTTP status of the answer; null when none came' })),
  latencyMs: Type.Integer(),
  error: Nullable(Type.String()),
  startedAt: Timestamp,
});
export type CallbackAttemptView = Static<typeof CallbackAttemptSchema>;

export const CallbackListQuery = Type.Object({
  cursor: Type.Optional(
    Type.String({ maxLength: 512, description: 'Opaque cursor from the previous page.' }),
  ),
  size: Type.Integer({ minimum: 1, maximum: MAX_CURSOR_SIZE, default: 50 }),
  status: Type.Optional(CallbackStatusSchema),
  event: Type.Optional(CallbackEventSchema),
  sendingAccountId: Type.Optional(Uuid),
  enterpriseId: Type.Optional(Uuid),
  referenceId: Type.Optional(Type.String({ maxLength: 64, description: 'Message or inbound message id' })),
});
export type CallbackListInput = Static<typeof CallbackListQuery>;

export const CallbackSecretSchema = Type.Object({
  sendingAccountId: Uuid,
  secret: Type.String({ description: 'Key of the HMAC-SHA256 signature over `${timestamp}.${body}`' }),
});
