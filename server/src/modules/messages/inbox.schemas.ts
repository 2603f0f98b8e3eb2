// Request and response schemas of the inbox (MS-6): inbound messages and enterprise keywords.
import { Type, type Static } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../../platform/http/schemas.js';
import { MAX_CURSOR_SIZE } from '../../platform/http/pagination.js';

export const ClassificationSchema = Type.Union(
  [
    Type.Literal('opt_out'),
    Type.Literal('opt_in'),
    Type.Literal('reply'),
    Type.Literal('keyword'),
    Type.Literal('unknown'),
  ],
  {
    description:
      'opt_out/opt_in: an opt-out keyword; reply: the sender got an SMS from the account within the ' +
      'reply window; keyword: the first word is a keyword an enterprise claimed; unknown: none of these.',
  },
);

export const InboundSchema = Type.Object({
  id: Uuid,
  enterpriseId: Nullable(Uuid),
  sendingAccountId: Nullable(Uuid),
  providerId: Nullable(Uuid),
  from: Type.String({ description: "The mobile user's number." }),
  to: Type.String({ description: 'The number the message was sent to.' }),
  text: Type.String(),
  encoding: Type.String(),
  parts: Type.Integer(),
  isComplete: Type.Boolean(),
  classification: ClassificationSchema,
  keyword: Nullable(Type.String()),
  replyToMessageId: Nullable(Uuid),
  receivedAt: Timestamp,
});
export type InboundView = Static<typeof InboundSchema>;

export const InboxListQuery = Type.Object({
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Received at or after.' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Received before.' })),
  enterpriseId: Type.Optional(Uuid),
  sendingAccountId: Type.Optional(Uuid),
  number: Type.Optional(
    Type.String({ maxLength: 32, description: 'The sender or the recipient number (exact).' }),
  ),
  classification: Type.Optional(ClassificationSchema),
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
  size: Type.Integer({ minimum: 1, maximum: MAX_CURSOR_SIZE, default: 50 }),
});
export type InboxListInput = Static<typeof InboxListQuery>;

export const InboxKeywordSchema = Type.Object({
  id: Uuid,
  enterpriseId: Uuid,
  sendingAccountId: Nullable(Uuid),
  keyword: Type.String(),
  createdAt: Timestamp,
});
export type InboxKeywordView = Static<typeof InboxKeywordSchema>;

export const InboxKeywordListQuery = Type.Object({ enterpriseId: Type.Optional(Uuid) });

export const CreateInboxKeywordBody = Type.Object(
  {
    enterpriseId: Type.Optional(Uuid),
    sendingAccountId: Type.Optional(Uuid),
    keyword: Type.String({ minLength: 1, maxLength: 30 }),
  },
  { additionalProperties: false },
);
export type CreateInboxKeywordInput = Static<typeof CreateInboxKeywordBody>;

/** The body of an HTTP provider's inbound callback, by default field names. */
export const ProviderCallbackParams = Type.Object({ providerId: Uuid });
export const ProviderCallbackQuery = Type.Object({
  token: Type.Optional(Type.String({ maxLength: 200, description: "The provider's callbackToken." })),
});
export const ProviderCallbackResult = Type.Object({ accepted: Type.Integer() });
