import { describe, expect, it } from 'vitest';
import {
  describeSenderRule,
  senderRuleMessages,
  validateEmailSender,
  validateSmsSender,
} from './sender-rules.js';
import type { SenderRuleReason } from './sender-rules.js';

describe('CU-3 SMS sender format', () => {
  it.each([
    ['Acme', 'alphanumeric'],
    ['A', 'alphanumeric'],
    ['ACME Bank 1', 'alphanumeric'], // 11 characters, spaces allowed
    ['1a', 'alphanumeric'],
    ['Info 24', 'alphanumeric'],
    ['95588', 'numeric'],
    ['0', 'numeric'],
    ['123456789012345', 'numeric'], // 15 digits
    ['+8613800138000', 'e164'],
    ['+1', 'e164'],
    ['+123456789012345', 'e164'], // 15 digits
  ] as const)('accepts "%s" as %s', (sender, kind) => {
    expect(validateSmsSender(sender)).toEqual({ ok: true, kind });
  });

  it.each([
    ['', 'sms_sender_empty', 'The sender ID is empty'],
    [
      'ACME_BANK',
      'sms_sender_invalid_chars',
      'An alphanumeric sender ID may contain only the letters A–Z and a–z, digits and spaces',
    ],
    [
      'Acmé',
      'sms_sender_invalid_chars',
      'An alphanumeric sender ID may contain only the letters A–Z and a–z, digits and spaces',
    ],
    [
      '银行',
      'sms_sender_invalid_chars',
      'An alphanumeric sender ID may contain only the letters A–Z and a–z, digits and spaces',
    ],
    [
      'Acme-Bank',
      'sms_sender_invalid_chars',
      'An alphanumeric sender ID may contain only the letters A–Z and a–z, digits and spaces',
    ],
    ['ACME Bank 12', 'sms_sender_too_long', 'An alphanumeric sender ID may have at most 11 characters'],
    ['ABCDEFGHIJKL', 'sms_sender_too_long', 'An alphanumeric sender ID may have at most 11 characters'],
    ['123 456', 'sms_sender_needs_letter', 'An alphanumeric sender ID must contain at least one letter'],
    ['   ', 'sms_sender_needs_letter', 'An alphanumeric sender ID must contain at least one letter'],
    ['1234567890123456', 'sms_sender_numeric_too_long', 'A numeric sender ID may have at most 15 digits'],
    [
      '+',
      'sms_sender_e164_invalid',
      'An international sender number must be "+" followed by digits only, the first of them not 0',
    ],
    [
      '+86 138',
      'sms_sender_e164_invalid',
      'An international sender number must be "+" followed by digits only, the first of them not 0',
    ],
    [
      '+0123',
      'sms_sender_e164_invalid',
      'An international sender number must be "+" followed by digits only, the first of them not 0',
    ],
    [
      '+ACME',
      'sms_sender_e164_invalid',
      'An international sender number must be "+" followed by digits only, the first of them not 0',
    ],
    [
      '+1234567890123456',
      'sms_sender_e164_too_long',
      'An international sender number may have at most 15 digits after "+"',
    ],
  ] as const)('rejects "%s" with %s', (sender, reason, text) => {
    const result = validateSmsSender(sender);
    expect(result).toEqual({ ok: false, reason });
    expect(describeSenderRule(reason, 'en-US')).toBe(text);
  });
});

describe('CU-3 e-mail sender format', () => {
  const domains = ['example.com', 'Mail.Example.CN'];

  it.each([
    ['noreply@example.com'],
    ['No.Reply@EXAMPLE.com'],
    ['alerts_2026-q1@mail.example.cn'],
    ['a@example.com'],
    [`${'a'.repeat(64)}@example.com`],
  ])('accepts %s', (address) => {
    expect(validateEmailSender(address, domains)).toEqual({ ok: true, kind: 'email' });
  });

  it.each([
    [
      'noreply.example.com',
      'email_sender_malformed',
      'The sender address must have the form local-part@domain',
    ],
    ['a@b@example.com', 'email_sender_malformed', 'The sender address must have the form local-part@domain'],
    ['noreply@', 'email_sender_malformed', 'The sender address must have the form local-part@domain'],
    ['@example.com', 'email_sender_local_part_empty', 'The sender address has nothing before "@"'],
    [
      'no reply@example.com',
      'email_sender_local_part_chars',
      'The part before "@" may contain only letters, digits, ".", "_" and "-"',
    ],
    [
      'no+reply@example.com',
      'email_sender_local_part_chars',
      'The part before "@" may contain only letters, digits, ".", "_" and "-"',
    ],
    [
      '通知@example.com',
      'email_sender_local_part_chars',
      'The part before "@" may contain only letters, digits, ".", "_" and "-"',
    ],
    ['.noreply@example.com', 'email_sender_leading_dot', 'The part before "@" may not start with a dot'],
    ['noreply.@example.com', 'email_sender_trailing_dot', 'The part before "@" may not end with a dot'],
    [
      'no..reply@example.com',
      'email_sender_double_dot',
      'The part before "@" may not contain two dots in a row',
    ],
    [
      `${'a'.repeat(65)}@example.com`,
      'email_sender_local_part_too_long',
      'The part before "@" may have at most 64 characters',
    ],
    [
      'noreply@example.org',
      'email_sender_domain_not_registered',
      "The domain is not one of the enterprise's registered domains",
    ],
    [
      'noreply@sub.example.com',
      'email_sender_domain_not_registered',
      "The domain is not one of the enterprise's registered domains",
    ],
  ] as const)('rejects %s with %s', (address, reason, text) => {
    expect(validateEmailSender(address, domains)).toEqual({ ok: false, reason });
    expect(describeSenderRule(reason, 'en-US')).toBe(text);
  });

  it('rejects every address when the enterprise has registered no domain', () => {
    expect(validateEmailSender('noreply@example.com', [])).toEqual({
      ok: false,
      reason: 'email_sender_domain_not_registered',
    });
  });
});

describe('CU-3 sender rule messages', () => {
  it('has en-US and zh-CN text for every reason', () => {
    for (const [reason, text] of Object.entries(senderRuleMessages)) {
      expect(text['en-US'], reason).toMatch(/\S/);
      expect(text['zh-CN'], reason).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(Object.keys(senderRuleMessages)).toHaveLength(15);
  });

  it('gives the Chinese text for zh-CN', () => {
    const reason: SenderRuleReason = 'sms_sender_too_long';
    expect(describeSenderRule(reason, 'zh-CN')).toBe('字母数字发送方 ID 最多 11 个字符');
  });
});
