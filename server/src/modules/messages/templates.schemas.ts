// Request and response schemas of message templates (MS-9), and their error codes and reasons.
import { Type, type Static } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../../platform/http/schemas.js';

export const TemplateStatusSchema = Type.Union([
  Type.Literal('draft'),
  Type.Literal('pending_review'),
  Type.Literal('approved'),
  Type.Literal('rejected'),
]);
export const TemplateChannelSchema = Type.Union([Type.Literal('sms'), Type.Literal('email')]);

export const TemplateVariantSchema = Type.Object(
  {
    language: Type.String({
      pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$',
      maxLength: 35,
      description: 'BCP 47 language tag, e.g. zh-CN, en-US',
    }),
    subject: Type.Optional(Type.String({ maxLength: 998, description: 'E-mail subject (Liquid)' })),
    body: Type.String({
      minLength: 1,
      maxLength: 10_000,
      description: 'Text (Liquid), e.g. "Code {{ code }}"',
    }),
  },
  { additionalProperties: false },
);

export const TemplateVariableSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', maxLength: 64 }),
    description: Type.Optional(Type.String({ maxLength: 200 })),
    sample: Type.Optional(Type.String({ maxLength: 1000, description: 'Sample value for the preview' })),
  },
  { additionalProperties: false },
);

export const TemplateSchema = Type.Object({
  id: Uuid,
  enterpriseId: Nullable(Uuid),
  isSystem: Type.Boolean({
    description: 'A predefined template shared by every enterprise (read-only for customers)',
  }),
  systemKey: Nullable(Type.String()),
  name: Type.String(),
  channel: TemplateChannelSchema,
  status: TemplateStatusSchema,
  description: Type.String(),
  variables: Type.Array(TemplateVariableSchema, {
    description: 'Declared variables plus every variable the variants use',
  }),
  variants: Type.Array(TemplateVariantSchema, {
    description: 'Per-language texts; the first is the default',
  }),
  reviewNote: Nullable(Type.String()),
  reviewedBy: Nullable(Type.String()),
  reviewedAt: Nullable(Timestamp),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type TemplateView = Static<typeof TemplateSchema>;

const variantsField = Type.Array(TemplateVariantSchema, { minItems: 1, maxItems: 20 });
const variablesField = Type.Array(TemplateVariableSchema, { maxItems: 100 });

export const CreateTemplateBody = Type.Object(
  {
    enterpriseId: Type.Optional(Uuid),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    channel: TemplateChannelSchema,
    description: Type.Optional(Type.String({ maxLength: 500 })),
    variables: Type.Optional(variablesField),
    variants: variantsField,
  },
  { additionalProperties: false },
);
export type CreateTemplateInput = Static<typeof CreateTemplateBody>;

export const UpdateTemplateBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    variables: Type.Optional(variablesField),
    variants: Type.Optional(variantsField),
  },
  { additionalProperties: false },
);
export type UpdateTemplateInput = Static<typeof UpdateTemplateBody>;

export const TemplateListQuery = Type.Object({
  page: Type.Integer({ minimum: 1, default: 1 }),
  size: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  keyword: Type.Optional(Type.String({ maxLength: 100, description: 'Part of the name' })),
  channel: Type.Optional(TemplateChannelSchema),
  status: Type.Optional(TemplateStatusSchema),
  enterpriseId: Type.Optional(Uuid),
  scope: Type.Optional(
    Type.Union([Type.Literal('system'), Type.Literal('enterprise')], {
      description: 'system: only predefined templates; enterprise: only enterprise templates',
    }),
  ),
});
export type TemplateListInput = Static<typeof TemplateListQuery>;

export const ReviewTemplateBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);

const VariablesValue = Type.Record(Type.String(), Type.Unknown(), {
  description: 'Variable values; `language` also picks the variant',
});

export const PreviewTemplateBody = Type.Object(
  {
    variables: Type.Optional(VariablesValue),
    language: Type.Optional(Type.String({ maxLength: 35 })),
  },
  { additionalProperties: false },
);
export type PreviewTemplateInput = Static<typeof PreviewTemplateBody>;

export const PreviewDraftBody = Type.Object(
  {
    channel: TemplateChannelSchema,
    subject: Type.Optional(Type.String({ maxLength: 998 })),
    body: Type.String({ minLength: 1, maxLength: 10_000 }),
    variables: Type.Optional(VariablesValue),
    smartEncoding: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type PreviewDraftInput = Static<typeof PreviewDraftBody>;

export const TemplatePreviewSchema = Type.Object({
  language: Nullable(Type.String()),
  subject: Nullable(Type.String()),
  text: Type.String({ description: 'The rendered text' }),
  encoding: Nullable(Type.Union([Type.Literal('gsm7'), Type.Literal('ucs2')], { description: 'SMS only' })),
  segments: Nullable(Type.Integer({ description: 'SMS parts (SMS only)' })),
  characters: Type.Integer({ description: 'GSM-7 septets or UCS-2 units for SMS; characters for e-mail' }),
  variables: Type.Array(Type.String(), { description: 'Variables the text uses' }),
});
export type TemplatePreview = Static<typeof TemplatePreviewSchema>;
