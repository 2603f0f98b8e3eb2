// Sender format rules (CU-3): whether a string may be registered as an SMS sender id or an
// e-mail sender address, and if not, which rule it breaks, as a stable code with en-US/zh-CN text.
//
// SMS, checked in this order:
// - starts with "+": E.164, "+" then 1–15 digits, the first not 0 → kind `e164`;
// - digits only: numeric (short code or long number), at most 15 digits → kind `numeric`;
// - otherwise alphanumeric: only [A-Za-z0-9 ], at most 11 characters (the GSM limit for an
//   alphanumeric originator), at least one letter → kind `alphanumeric`.
// E-mail: exactly one "@"; a local part of [A-Za-z0-9._-], at most 64 characters (RFC 5321),
// not starting or ending with a dot and without two dots in a row; a domain equal, ignoring
// case, to one the enterprise has registered.
import type { Locale } from '../../platform/i18n/i18n.js';

export type SmsSenderKind = 'alphanumeric' | 'numeric' | 'e164';
export type EmailSenderKind = 'email';

export type SmsSenderReason =
  | 'sms_sender_empty'
  | 'sms_sender_invalid_chars'
  | 'sms_sender_too_long'
  | 'sms_sender_needs_letter'
  | 'sms_sender_numeric_too_long'
  | 'sms_sender_e164_invalid'
  | 'sms_sender_e164_too_long';

export type EmailSenderReason =
  | 'email_sender_malformed'
  | 'email_sender_local_part_empty'
  | 'email_sender_local_part_chars'
  | 'email_sender_leading_dot'
  | 'email_sender_trailing_dot'
  | 'email_sender_double_dot'
  | 'email_sender_local_part_too_long'
  | 'email_sender_domain_not_registered';

export type SenderRuleReason = SmsSenderReason | EmailSenderReason;

export type SenderCheck<Kind extends string, Reason extends SenderRuleReason> =
  { ok: true; kind: Kind } | { ok: false; reason: Reason };

export const ALPHANUMERIC_SENDER_MAX = 11;
export const NUMERIC_SENDER_MAX = 15;
export const EMAIL_LOCAL_PART_MAX = 64;

const DIGITS = /^\d+$/;
const ALPHANUMERIC_CHARS = /^[A-Za-z0-9 ]+$/;
const HAS_LETTER = /[A-Za-z]/;
const LOCAL_PART_CHARS = /^[A-Za-z0-9._-]+$/;

export function validateSmsSender(sender: string): SenderCheck<SmsSenderKind, SmsSenderReason> {
  if (sender.length === 0) {
    return { ok: false, reason: 'sms_sender_empty' };
  }
  if (sender.startsWith('+')) {
    const digits = sender.slice(1);
    if (!DIGITS.test(digits) || digits.startsWith('0')) {
      return { ok: false, reason: 'sms_sender_e164_invalid' };
    }
    if (digits.length > NUMERIC_SENDER_MAX) {
      return { ok: false, reason: 'sms_sender_e164_too_long' };
    }
    return { ok: true, kind: 'e164' };
  }
  if (DIGITS.test(sender)) {
    if (sender.length > NUMERIC_SENDER_MAX) {
      return { ok: false, reason: 'sms_sender_numeric_too_long' };
    }
    return { ok: true, kind: 'numeric' };
  }
  if (!ALPHANUMERIC_CHARS.test(sender)) {
    return { ok: false, reason: 'sms_sender_invalid_chars' };
  }
  if (sender.length > ALPHANUMERIC_SENDER_MAX) {
    return { ok: false, reason: 'sms_sender_too_long' };
  }
  if (!HAS_LETTER.test(sender)) {
    return { ok: false, reason: 'sms_sender_needs_letter' };
  }
  return { ok: true, kind: 'alphanumeric' };
}

export function validateEmailSender(
  address: string,
  registeredDomains: Iterable<string>,
): SenderCheck<EmailSenderKind, EmailSenderReason> {
  const at = address.indexOf('@');
  if (at < 0 || at !== address.lastIndexOf('@') || at === address.length - 1) {
    return { ok: false, reason: 'email_sender_malformed' };
  }
  const local = address.slice(0, at);
  const domain = address.slice(at + 1).toLowerCase();
  if (local.length === 0) {
    return { ok: false, reason: 'email_sender_local_part_empty' };
  }
  if (!LOCAL_PART_CHARS.test(local)) {
    return { ok: false, reason: 'email_sender_local_part_chars' };
  }
  if (local.startsWith('.')) {
    return { ok: false, reason: 'email_sender_leading_dot' };
  }
  if (local.endsWith('.')) {
    return { ok: false, reason: 'email_sender_trailing_dot' };
  }
  if (local.includes('..')) {
    return { ok: false, reason: 'email_sender_double_dot' };
  }
  if (local.length > EMAIL_LOCAL_PART_MAX) {
    return { ok: false, reason: 'email_sender_local_part_too_long' };
  }
  for (const registered of registeredDomains) {
    if (registered.toLowerCase() === domain) {
      return { ok: true, kind: 'email' };
    }
  }
  return { ok: false, reason: 'email_sender_domain_not_registered' };
}

/** Text for each reason, for API errors and the console. */
export const senderRuleMessages: Readonly<Record<SenderRuleReason, Readonly<Record<Locale, string>>>> = {
  sms_sender_empty: { 'en-US': 'The sender ID is empty', 'zh-CN': '发送方 ID 不能为空' },
  sms_sender_invalid_chars: {
    'en-US': 'An alphanumeric sender ID may contain only the letters A–Z and a–z, digits and spaces',
    'zh-CN': '字母数字发送方 ID 只能包含字母 A–Z、a–z、数字和空格',
  },
  sms_sender_too_long: {
    'en-US': `An alphanumeric sender ID may have at most ${ALPHANUMERIC_SENDER_MAX} characters`,
    'zh-CN': `字母数字发送方 ID 最多 ${ALPHANUMERIC_SENDER_MAX} 个字符`,
  },
  sms_sender_needs_letter: {
    'en-US': 'An alphanumeric sender ID must contain at least one letter',
    'zh-CN': '字母数字发送方 ID 必须至少包含一个字母',
  },
  sms_sender_numeric_too_long: {
    'en-US': `A numeric sender ID may have at most ${NUMERIC_SENDER_MAX} digits`,
    'zh-CN': `数字发送方 ID 最多 ${NUMERIC_SENDER_MAX} 位`,
  },
  sms_sender_e164_invalid: {
    'en-US': 'An international sender number must be "+" followed by digits only, the first of them not 0',
    'zh-CN': '国际号码格式的发送方必须是“+”后跟纯数字，且第一位不能为 0',
  },
  sms_sender_e164_too_long: {
    'en-US': `An international sender number may have at most ${NUMERIC_SENDER_MAX} digits after "+"`,
    'zh-CN': `国际号码格式的发送方在“+”之后最多 ${NUMERIC_SENDER_MAX} 位数字`,
  },
  email_sender_malformed: {
    'en-US': 'The sender address must have the form local-part@domain',
    'zh-CN': '发件地址必须为“本地部分@域名”的格式',
  },
  email_sender_local_part_empty: {
    'en-US': 'The sender address has nothing before "@"',
    'zh-CN': '发件地址“@”之前不能为空',
  },
  email_sender_local_part_chars: {
    'en-US': 'The part before "@" may contain only letters, digits, ".", "_" and "-"',
    'zh-CN': '“@”之前的部分只能包含字母、数字、“.”、“_”和“-”',
  },
  email_sender_leading_dot: {
    'en-US': 'The part before "@" may not start with a dot',
    'zh-CN': '“@”之前的部分不能以点开头',
  },
  email_sender_trailing_dot: {
    'en-US': 'The part before "@" may not end with a dot',
    'zh-CN': '“@”之前的部分不能以点结尾',
  },
  email_sender_double_dot: {
    'en-US': 'The part before "@" may not contain two dots in a row',
    'zh-CN': '“@”之前的部分不能包含连续的两个点',
  },
  email_sender_local_part_too_long: {
    'en-US': `The part before "@" may have at most ${EMAIL_LOCAL_PART_MAX} characters`,
    'zh-CN': `“@”之前的部分最多 ${EMAIL_LOCAL_PART_MAX} 个字符`,
  },
  email_sender_domain_not_registered: {
    'en-US': "The domain is not one of the enterprise's registered domains",
    'zh-CN': '该域名不是企业已登记的域名',
  },
};

export function describeSenderRule(reason: SenderRuleReason, locale: Locale): string {
  return senderRuleMessages[reason][locale];
}
