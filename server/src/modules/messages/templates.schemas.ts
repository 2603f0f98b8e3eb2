// Request and response schemas of message templates (MS-9), and their error codes and reasons.
import { Type, type Static } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../../platform/http/schemas.js';
import { defineError, defineReason } from '../../platform/http/errors.js';

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

export const TE = {
  /** The accept path's rejection of a templated item (the field names the variable at fault). */
  invalid: defineError(
    'TEMPLATE_INVALID',
    422,
    'The template cannot be used for this message',
    '该模板不能用于此消息',
  ),
  notFound: defineError('TEMPLATE_NOT_FOUND', 404, 'Template not found', '模板不存在'),
  readOnly: defineError(
    'TEMPLATE_READ_ONLY',
    403,
    'Predefined templates cannot be changed by customers; copy it into a template of your own',
    '预置模板不可由客户修改，请复制为自己的模板',
  ),
  nameTaken: defineError(
    'TEMPLATE_NAME_TAKEN',
    409,
    'A template with this name already exists',
    '已存在同名模板',
  ),
  badStatus: defineError(
    'TEMPLATE_BAD_STATUS',
    409,
    'The template is {status}; this action is not possible now',
    '模板当前状态为 {status}，不能执行此操作',
  ),
  reviewByStaff: defineError(
    'TEMPLATE_REVIEW_STAFF_ONLY',
    403,
    'Templates are approved or rejected by platform staff',
    '模板由平台人员审核',
  ),
};

export const TR = {
  missingVariable: defineReason('missing_variable', 'The variable {name} is missing', '缺少变量 {name}'),
  notFound: defineReason('template_not_found', 'No such template for this account', '该账号没有此模板'),
  notApproved: defineReason(
    'template_not_approved',
    'The template is not approved (status {status})',
    '模板未通过审核（状态 {status}）',
  ),
  channelMismatch: defineReason(
    'template_channel_mismatch',
    'The template is for {channel}',
    '该模板用于 {channel} 渠道',
  ),
  syntax: defineReason('template_syntax', 'Template error: {detail}', '模板错误：{detail}'),
  renderFailed: defineReason(
    'template_render_failed',
    'The template could not be rendered: {detail}',
    '模板渲染失败：{detail}',
  ),
  duplicateLanguage: defineReason(
    'duplicate_language',
    'This language has another variant already',
    '该语言已有其他版本',
  ),
  enterpriseMissing: defineReason('template_enterprise_missing', 'No such enterprise', '企业不存在'),
};
