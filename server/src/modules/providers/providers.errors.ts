// Every error code and field reason of the providers module, with its text in both languages
// (docs/errors.md is generated from these catalogues: `npm run gen:errors`).
import { defineError, defineReason } from '../../platform/http/errors.js';

export const ProviderErrors = {
  notFound: defineError('PROVIDER_NOT_FOUND', 404, 'Provider not found', '发送服务不存在'),
  nameTaken: defineError(
    'PROVIDER_NAME_TAKEN',
    409,
    'A provider with this name already exists',
    '同名发送服务已存在',
  ),
  notFrozen: defineError('PROVIDER_NOT_FROZEN', 409, 'The provider is not frozen', '该发送服务未被冻结'),
  costNotFound: defineError('PROVIDER_COST_NOT_FOUND', 404, 'Provider cost not found', '发送服务成本不存在'),
  costExists: defineError(
    'PROVIDER_COST_EXISTS',
    409,
    'The provider already has a cost for this country',
    '该发送服务已有此国家的成本',
  ),
};

export const ProviderReasons = {
  smsNeedsText: defineReason('text_required', 'is required for an SMS provider', '短信服务必须填写'),
  emailNeedsSubject: defineReason(
    'subject_required',
    'subject and body are required for an e-mail provider',
    '邮件服务必须填写主题和正文',
  ),
  fromRequired: defineReason(
    'from_required',
    'is required: the provider has no default sender',
    '必填：该服务未设置默认发送方',
  ),
};

export const ProviderSettingReasons = {
  channelType: defineReason(
    'channel_type_mismatch',
    'a {type} provider cannot carry {channel}',
    '{type} 类型的服务不能承载 {channel} 通道',
  ),
  passwordRequired: defineReason('password_required', 'is required', '必填'),
  badTimeZone: defineReason('invalid_timezone', 'is not a known time zone', '不是有效的时区'),
};
