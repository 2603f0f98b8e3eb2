// Request and response schemas of the customers module (CU-1…CU-3).
import { Type, type Static } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../../platform/http/schemas.js';

export const EnterpriseStatusSchema = Type.Union([Type.Literal('active'), Type.Literal('suspended')]);
export const TrustLevelSchema = Type.Union([
  Type.Literal('low'),
  Type.Literal('normal'),
  Type.Literal('high'),
]);
export const ChannelSchema = Type.Union([
  Type.Literal('sms'),
  Type.Literal('email'),
  Type.Literal('inapp'),
  Type.Literal('webhook'),
]);
export const SenderChannelSchema = Type.Union([Type.Literal('sms'), Type.Literal('email')]);
export const SenderStatusSchema = Type.Union([
  Type.Literal('pending'),
  Type.Literal('approved'),
  Type.Literal('rejected'),
]);
export const SenderKindSchema = Type.Union([
  Type.Literal('alphanumeric'),
  Type.Literal('numeric'),
  Type.Literal('e164'),
  Type.Literal('email'),
]);

const Page = {
  page: Type.Integer({ minimum: 1, default: 1 }),
  size: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
};

// --- enterprises ------------------------------------------------------------------------------

export const EnterpriseSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  contactName: Type.String(),
  contactPhone: Type.String(),
  contactEmail: Type.String(),
  status: EnterpriseStatusSchema,
  currency: Type.String({ description: 'ISO 4217; every amount of this tenant is in micro-units of it' }),
  timezone: Type.String({ description: 'IANA time zone' }),
  trustLevel: TrustLevelSchema,
  requireSenderApproval: Type.Boolean(),
  remark: Type.String(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type EnterpriseView = Static<typeof EnterpriseSchema>;

const enterpriseFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  contactName: Type.String({ maxLength: 100 }),
  contactPhone: Type.String({ maxLength: 50 }),
  contactEmail: Type.String({ maxLength: 254 }),
  currency: Type.String({ minLength: 1, maxLength: 10 }),
  timezone: Type.String({ minLength: 1, maxLength: 64 }),
  trustLevel: TrustLevelSchema,
  requireSenderApproval: Type.Boolean(),
  remark: Type.String({ maxLength: 1000 }),
};

export const CreateEnterpriseBody = Type.Object(
  {
    name: enterpriseFields.name,
    contactName: Type.Optional(enterpriseFields.contactName),
    contactPhone: Type.Optional(enterpriseFields.contactPhone),
    contactEmail: Type.Optional(enterpriseFields.contactEmail),
    currency: Type.Optional(enterpriseFields.currency),
    timezone: Type.Optional(enterpriseFields.timezone),
    trustLevel: Type.Optional(enterpriseFields.trustLevel),
    requireSenderApproval: Type.Optional(enterpriseFields.requireSenderApproval),
    remark: Type.Optional(enterpriseFields.remark),
  },
  { additionalProperties: false },
);
export type CreateEnterpriseInput = Static<typeof CreateEnterpriseBody>;

export const UpdateEnterpriseBody = Type.Partial(
  Type.Object(enterpriseFields, { additionalProperties: false }),
  { additionalProperties: false },
);
export type UpdateEnterpriseInput = Static<typeof UpdateEnterpriseBody>;

export const EnterpriseListQuery = Type.Object({
  ...Page,
  keyword: Type.Optional(Type.String({ maxLength: 100, description: 'Matches name and contact fields' })),
  status: Type.Optional(EnterpriseStatusSchema),
  trustLevel: Type.Optional(TrustLevelSchema),
});
export type EnterpriseListInput = Static<typeof EnterpriseListQuery>;

// --- sending accounts -------------------------------------------------------------------------

export const SendingAccountSchema = Type.Object({
  id: Uuid,
  enterpriseId: Uuid,
  name: Type.String(),
  status: EnterpriseStatusSchema,
  dailyLimit: Type.Integer(),
  allowedChannels: Type.Array(ChannelSchema),
  allowedCountries: Type.Array(Type.String(), { description: 'ISO 3166 alpha-2; empty = every country' }),
  defaultSender: Nullable(Type.String()),
  tpsLimit: Nullable(Type.Integer()),
  maxParts: Type.Integer(),
  statusCallbackUrl: Nullable(Type.String()),
  inboundCallbackUrl: Nullable(Type.String()),
  smppSystemId: Nullable(Type.String()),
  hasSmppPassword: Type.Boolean(),
  smppMaxBinds: Type.Integer(),
  smppIpAllowlist: Type.Array(Type.String()),
  smppIdFormat: Type.Union([Type.Literal('hex'), Type.Literal('decimal')]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type SendingAccountView = Static<typeof SendingAccountSchema>;

const accountFields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  status: EnterpriseStatusSchema,
  dailyLimit: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }),
  allowedChannels: Type.Array(Type.String({ maxLength: 20 }), { maxItems: 4, uniqueItems: true }),
  allowedCountries: Type.Array(Type.String({ maxLength: 10 }), { maxItems: 300, uniqueItems: true }),
  defaultSender: Nullable(Type.String({ maxLength: 254 })),
  tpsLimit: Nullable(Type.Integer({ minimum: 1, maximum: 100_000 })),
  maxParts: Type.Integer({ minimum: 1, maximum: 255 }),
  statusCallbackUrl: Nullable(Type.String({ maxLength: 2000 })),
  inboundCallbackUrl: Nullable(Type.String({ maxLength: 2000 })),
  smppSystemId: Nullable(Type.String({ minLength: 1, maxLength: 16, pattern: '^[\\x21-\\x7e]+$' })),
  smppPassword: Nullable(Type.String({ minLength: 1, maxLength: 64, description: 'Write-only' })),
  smppMaxBinds: Type.Integer({ minimum: 1, maximum: 100 }),
  smppIpAllowlist: Type.Array(Type.String({ maxLength: 50 }), { maxItems: 100 }),
  smppIdFormat: Type.Union([Type.Literal('hex'), Type.Literal('decimal')]),
};

export const CreateSendingAccountBody = Type.Object(
  {
    enterpriseId: Type.Optional(Uuid),
    name: accountFields.name,
    dailyLimit: Type.Optional(accountFields.dailyLimit),
    allowedChannels: Type.Optional(accountFields.allowedChannels),
    allowedCountries: Type.Optional(accountFields.allowedCountries),
    defaultSender: Type.Optional(accountFields.defaultSender),
    tpsLimit: Type.Optional(accountFields.tpsLimit),
    maxParts: Type.Optional(accountFields.maxParts),
    statusCallbackUrl: Type.Optional(accountFields.statusCallbackUrl),
    inboundCallbackUrl: Type.Optional(accountFields.inboundCallbackUrl),
    smppSystemId: Type.Optional(accountFields.smppSystemId),
    smppPassword: Type.Optional(accountFields.smppPassword),
    smppMaxBinds: Type.Optional(accountFields.smppMaxBinds),
    smppIpAllowlist: Type.Optional(accountFields.smppIpAllowlist),
    smppIdFormat: Type.Optional(accountFields.smppIdFormat),
  },
  { additionalProperties: false },
);
export type CreateSendingAccountInput = Static<typeof CreateSendingAccountBody>;

export const UpdateSendingAccountBody = Type.Partial(Type.Object(accountFields), {
  additionalProperties: false,
});
export type UpdateSendingAccountInput = Static<typeof UpdateSendingAccountBody>;

export const SendingAccountListQuery = Type.Object({
  ...Page,
  keyword: Type.Optional(Type.String({ maxLength: 100 })),
  enterpriseId: Type.Optional(Uuid),
  status: Type.Optional(EnterpriseStatusSchema),
});
export type SendingAccountListInput = Static<typeof SendingAccountListQuery>;

export const IssueKeyBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    scopes: Type.Optional(Type.Array(Type.String({ maxLength: 20 }), { minItems: 1, maxItems: 10 })),
    ipAllowlist: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 100 })),
    expiresAt: Type.Optional(Nullable(Timestamp)),
    rateLimit: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 100_000 }))),
  },
  { additionalProperties: false },
);

export const KeyListQuery = Type.Object({ ...Page, includeRevoked: Type.Optional(Type.Boolean()) });

// --- senders and domains ----------------------------------------------------------------------

export const SenderSchema = Type.Object({
  id: Uuid,
  enterpriseId: Uuid,
  channel: SenderChannelSchema,
  value: Type.String(),
  kind: SenderKindSchema,
  status: SenderStatusSchema,
  reviewedBy: Nullable(Type.String()),
  reviewedAt: Nullable(Timestamp),
  reviewNote: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type SenderView = Static<typeof SenderSchema>;

export const CreateSenderBody = Type.Object(
  {
    enterpriseId: Type.Optional(Uuid),
    channel: SenderChannelSchema,
    value: Type.String({ maxLength: 320 }),
  },
  { additionalProperties: false },
);
export type CreateSenderInput = Static<typeof CreateSenderBody>;

export const ReviewSenderBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);

export const SenderListQuery = Type.Object({
  ...Page,
  keyword: Type.Optional(Type.String({ maxLength: 100 })),
  enterpriseId: Type.Optional(Uuid),
  channel: Type.Optional(SenderChannelSchema),
  status: Type.Optional(SenderStatusSchema),
});
export type SenderListInput = Static<typeof SenderListQuery>;

export const SenderDomainSchema = Type.Object({
  id: Uuid,
  enterpriseId: Uuid,
  domain: Type.String(),
  verified: Type.Boolean(),
  createdAt: Timestamp,
});
export type SenderDomainView = Static<typeof SenderDomainSchema>;

export const CreateDomainBody = Type.Object(
  {
    enterpriseId: Type.Optional(Uuid),
    domain: Type.String({ minLength: 1, maxLength: 253 }),
  },
  { additionalProperties: false },
);

export const DomainListQuery = Type.Object({
  ...Page,
  enterpriseId: Type.Optional(Uuid),
  keyword: Type.Optional(Type.String({ maxLength: 100 })),
});
