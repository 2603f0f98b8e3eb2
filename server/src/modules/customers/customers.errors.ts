// Every error code and field reason of the customers module, with its text in both languages
// (docs/errors.md is generated from these catalogues: `npm run gen:errors`), and the field
// checks shared by enterprises and sending accounts.
import { defineError, defineReason } from '../../platform/http/errors.js';
import { registerMessages } from '../../platform/i18n/i18n.js';
import { senderRuleMessages } from './sender-rules.js';

export const CustomersErrors = {
  enterpriseNotFound: defineError('ENTERPRISE_NOT_FOUND', 404, 'Enterprise not found', '企业不存在'),
  sendingAccountNotFound: defineError(
    'SENDING_ACCOUNT_NOT_FOUND',
    404,
    'Sending account not found',
    '发送账号不存在',
  ),
  senderNotFound: defineError('SENDER_NOT_FOUND', 404, 'Sender not found', '发送方不存在'),
  domainNotFound: defineError('SENDER_DOMAIN_NOT_FOUND', 404, 'Domain not found', '域名不存在'),
  hasSendingAccounts: defineError(
    'ENTERPRISE_HAS_SENDING_ACCOUNTS',
    409,
    'The enterprise still has {count} sending account(s); delete them first',
    '该企业仍有 {count} 个发送账号，请先删除',
  ),
  hasUsers: defineError(
    'ENTERPRISE_HAS_USERS',
    409,
    'The enterprise still has {count} user(s); delete them first',
    '该企业仍有 {count} 个用户，请先删除',
  ),
  smppSystemIdTaken: defineError(
    'SMPP_SYSTEM_ID_TAKEN',
    409,
    'The SMPP system_id is already used by another sending account',
    '该 SMPP system_id 已被其他发送账号使用',
  ),
  senderExists: defineError('SENDER_EXISTS', 409, 'This sender is already registered', '该发送方已登记'),
  domainExists: defineError('SENDER_DOMAIN_EXISTS', 409, 'This domain is already registered', '该域名已登记'),
  domainInUse: defineError(
    'SENDER_DOMAIN_IN_USE',
    409,
    'E-mail senders on this domain still exist; delete them first',
    '该域名下仍有邮件发送方，请先删除',
  ),
  senderNotPending: defineError(
    'SENDER_NOT_PENDING',
    409,
    'Only a pending sender can be approved or rejected',
    '只有待审核的发送方才能审核',
  ),
  enterpriseSuspended: defineError(
    'ENTERPRISE_SUSPENDED',
    403,
    'The enterprise is suspended',
    '企业已被暂停',
  ),
  enterpriseFieldForbidden: defineError(
    'ENTERPRISE_FIELD_FORBIDDEN',
    403,
    'Only platform staff may change {field}',
    '只有平台人员可以修改 {field}',
  ),
};

export const CustomersReasons = {
  currency: defineReason('unknown_currency', 'must be an ISO 4217 currency code', '必须是 ISO 4217 货币代码'),
  timezone: defineReason('unknown_time_zone', 'must be an IANA time zone', '必须是 IANA 时区'),
  country: defineReason(
    'unknown_countries',
    'must be ISO 3166 alpha-2 country codes: {value}',
    '必须是 ISO 3166 两位国家代码：{value}',
  ),
  channel: defineReason('unknown_channels', 'must be among: {values}', '必须是以下值之一：{values}'),
  url: defineReason('not_http_url', 'must be an http or https URL', '必须是 http 或 https 地址'),
  email: defineReason('invalid_email', 'must be an e-mail address', '必须是电子邮件地址'),
  domain: defineReason(
    'not_a_domain',
    'must be a domain name such as example.com',
    '必须是域名，例如 example.com',
  ),
  enterpriseRequired: defineReason(
    'enterprise_id_required',
    'is required for platform staff',
    '平台人员必须指定',
  ),
  enterpriseMissing: defineReason('enterprise_missing', 'does not exist', '不存在'),
  smppPasswordWithoutId: defineReason(
    'smpp_password_without_system_id',
    'needs an SMPP system_id',
    '需要先设置 SMPP system_id',
  ),
  /** Defined by the identity module with the same text. */
  badIp: 'invalid_ip',
};

// The sender rules (sender-rules.ts) are field reasons of `value`.
registerMessages(
  Object.fromEntries(Object.entries(senderRuleMessages).map(([reason, text]) => [`field.${reason}`, text])),
);

export const CHANNELS = ['sms', 'email', 'inapp', 'webhook'] as const;

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

export function isCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && CURRENCIES.has(code);
}

export { isTimeZone } from '../../platform/time-zones.js';

export function isCountry(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code)) {
    return false;
  }
  const name = regionNames.of(code);
  return code !== 'ZZ' && name !== undefined && name !== code;
}

export function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

export function isEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);
}

export function isDomain(value: string): boolean {
  return /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(value);
}
