// Request and response schemas of the send API and the message store (MS-1…MS-5).
import { Type, type Static } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../../platform/http/schemas.js';
import { CursorQuery } from '../../platform/http/pagination.js';
import { MESSAGE_STATUSES, type MessageStatus } from './messages.tables.js';

export const MessageStatusSchema = Type.Union([
  Type.Literal('accepted'),
  Type.Literal('pending_review'),
  Type.Literal('queued'),
  Type.Literal('sending'),
  Type.Literal('sent'),
  Type.Literal('delivered'),
  Type.Literal('undelivered'),
  Type.Literal('expired'),
  Type.Literal('failed'),
  Type.Literal('rejected'),
  Type.Literal('canceled'),
  Type.Literal('partially_delivered'),
  Type.Literal('unknown'),
]);
// One list: the schema's literals are exactly the lifecycle's statuses.
const _sameStatuses: [Static<typeof MessageStatusSchema>, MessageStatus] extends [
  MessageStatus,
  Static<typeof MessageStatusSchema>,
]
  ? true
  : never = true;
void _sameStatuses;
void MESSAGE_STATUSES;
const PrioritySchema = Type.Union([Type.Literal('high'), Type.Literal('normal'), Type.Literal('low')]);
const SendChannel = Type.Union([Type.Literal('sms'), Type.Literal('email')]);

const itemFields = {
  channel: SendChannel,
  to: Type.String({ minLength: 1, maxLength: 320, description: 'E.164 number (SMS) or e-mail address' }),
  from: Type.Optional(
    Type.String({ minLength: 1, maxLength: 320, description: "Sender; the account's default when omitted" }),
  ),
  text: Type.Optional(Type.String({ maxLength: 100_000, description: 'SMS text, or the e-mail text part' })),
  subject: Type.Optional(Type.String({ maxLength: 998 })),
  html: Type.Optional(Type.String({ maxLength: 1_000_000 })),
  templateId: Type.Optional(Uuid),
  variables: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  sendAt: Type.Optional(
    Type.String({ maxLength: 40, description: 'ISO-8601; later than now schedules the message' }),
  ),
  priority: Type.Optional(PrioritySchema),
  validityPeriod: Type.Optional(
    Type.Integer({ minimum: 60, maximum: 7 * 86_400, description: 'Seconds; undelivered by then → expired' }),
  ),
  clientRef: Type.Optional(Type.String({ maxLength: 100 })),
  smartEncoding: Type.Optional(
    Type.Boolean({
      description:
        'Replace curly quotes, dashes and the like by GSM-7 look-alikes when only they force UCS-2',
    }),
  ),
  campaignId: Type.Optional(Uuid),
  metadata: Type.Optional(
    Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 500 }), { maxProperties: 20 }),
  ),
};

export const SendItemSchema = Type.Object(itemFields, { additionalProperties: false });

export const SendBody = Type.Object(
  {
    ...itemFields,
    sendingAccountId: Type.Optional(
      Type.String({
        format: 'uuid',
        description: 'Console users: the account to send from (API keys send as their own account)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type SendBody = Static<typeof SendBody>;

export const BatchBody = Type.Object(
  {
    sendingAccountId: Type.Optional(Uuid),
    messages: Type.Array(SendItemSchema, { minItems: 1, maxItems: 10_000 }),
  },
  { additionalProperties: false },
);
export type BatchBody = Static<typeof BatchBody>;

export const AcceptedSchema = Type.Object({
  id: Uuid,
  status: MessageStatusSchema,
  to: Type.String(),
  channel: SendChannel,
  country: Nullable(Type.String()),
  segments: Type.Integer(),
  encoding: Nullable(Type.Union([Type.Literal('gsm7'), Type.Literal('ucs2')])),
  price: Type.Integer({ description: 'Charged, micro-units' }),
  currency: Type.String(),
  clientRef: Nullable(Type.String()),
});

export const BatchItemResult = Type.Object({
  index: Type.Integer(),
  accepted: Type.Boolean(),
  id: Type.Optional(Uuid),
  status: Type.Optional(MessageStatusSchema),
  to: Type.Optional(Type.String()),
  segments: Type.Optional(Type.Integer()),
  price: Type.Optional(Type.Integer()),
  clientRef: Type.Optional(Nullable(Type.String())),
  code: Type.Optional(Type.String()),
  field: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
});

export const BatchResultSchema = Type.Object({
  accepted: Type.Integer(),
  rejected: Type.Integer(),
  results: Type.Array(BatchItemResult),
});

export const QuoteSchema = Type.Object({
  channel: SendChannel,
  to: Type.String(),
  country: Nullable(Type.String()),
  numberType: Nullable(Type.String()),
  encoding: Nullable(Type.Union([Type.Literal('gsm7'), Type.Literal('ucs2')])),
  segments: Type.Integer(),
  characters: Type.Integer(),
  unitPrice: Type.Integer(),
  price: Type.Integer(),
  currency: Type.String(),
  providerId: Nullable(Uuid),
  /** Smart encoding turned a UCS-2 text into GSM-7. */
  smartEncoded: Type.Boolean(),
});

export const MessageSchema = Type.Object({
  id: Uuid,
  enterpriseId: Uuid,
  sendingAccountId: Uuid,
  source: Type.String(),
  channel: SendChannel,
  to: Type.String(),
  from: Nullable(Type.String()),
  country: Nullable(Type.String()),
  numberType: Nullable(Type.String()),
  subject: Nullable(Type.String()),
  text: Type.String(),
  encoding: Nullable(Type.String()),
  segments: Type.Integer(),
  status: MessageStatusSchema,
  priority: PrioritySchema,
  clientRef: Nullable(Type.String()),
  campaignId: Nullable(Uuid),
  templateId: Nullable(Uuid),
  metadata: Type.Record(Type.String(), Type.String()),
  sendAt: Nullable(Timestamp),
  expiresAt: Nullable(Timestamp),
  price: Type.Integer(),
  currency: Type.String(),
  refunded: Type.Boolean(),
  providerId: Nullable(Uuid),
  attempts: Type.Integer(),
  nextAttemptAt: Nullable(Timestamp),
  errorCode: Nullable(Type.String()),
  errorMessage: Nullable(Type.String()),
  createdAt: Timestamp,
  queuedAt: Nullable(Timestamp),
  sentAt: Nullable(Timestamp),
  doneAt: Nullable(Timestamp),
  updatedAt: Timestamp,
});

export const TimelineEntry = Type.Object({
  at: Timestamp,
  status: Type.String({ description: 'accepted, queued, attempt, sent, receipt, delivered, …' }),
  detail: Type.String(),
  providerId: Type.Optional(Uuid),
});

export const AttemptSchema = Type.Object({
  attempt: Type.Integer(),
  providerId: Uuid,
  outcome: Type.String(),
  errorCode: Nullable(Type.String()),
  errorMessage: Nullable(Type.String()),
  latencyMs: Type.Integer(),
  startedAt: Timestamp,
  finishedAt: Timestamp,
});

export const PartSchema = Type.Object({
  partIndex: Type.Integer(),
  providerId: Uuid,
  providerMessageId: Type.String(),
  receiptStatus: Nullable(Type.String()),
  providerStatus: Nullable(Type.String()),
  errorCode: Nullable(Type.String()),
  submittedAt: Timestamp,
  receiptAt: Nullable(Timestamp),
});

export const MessageDetailSchema = Type.Intersect([
  MessageSchema,
  Type.Object({
    cost: Type.Optional(Nullable(Type.Integer({ description: 'Provider cost (staff only), micro-units' }))),
    timeline: Type.Array(TimelineEntry),
    deliveryAttempts: Type.Array(AttemptSchema),
    parts: Type.Array(PartSchema),
  }),
]);

export const StatusSchema = Type.Object({
  id: Uuid,
  status: MessageStatusSchema,
  errorCode: Nullable(Type.String()),
  segments: Type.Integer(),
  clientRef: Nullable(Type.String()),
  updatedAt: Timestamp,
  doneAt: Nullable(Timestamp),
});

export const OutboxQuery = Type.Object({
  ...CursorQuery.properties,
  from: Type.Optional(Timestamp),
  to: Type.Optional(Timestamp),
  enterpriseId: Type.Optional(Uuid),
  sendingAccountId: Type.Optional(Uuid),
  status: Type.Optional(MessageStatusSchema),
  channel: Type.Optional(SendChannel),
  country: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
  providerId: Type.Optional(Uuid),
  campaignId: Type.Optional(Uuid),
  number: Type.Optional(Type.String({ minLength: 1, maxLength: 320, description: 'Recipient (exact)' })),
  clientRef: Type.Optional(Type.String({ maxLength: 100 })),
});
export type OutboxQuery = Static<typeof OutboxQuery>;

export const QueueStateSchema = Type.Object({
  providerId: Uuid,
  providerName: Nullable(Type.String()),
  queued: Type.Integer(),
  inflight: Type.Integer(),
  paused: Type.Boolean(),
});
