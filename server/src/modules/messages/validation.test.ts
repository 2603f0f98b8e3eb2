import { describe, expect, it } from 'vitest';
import { translate } from '../../platform/i18n/i18n.js';
import { checkSmsText, parseEmailRecipient, parsePhoneRecipient } from './validation.js';

describe('MS-2 recipient validation', () => {
  it.each([
    ['+447912345678', '+447912345678', 'GB', 'MOBILE'],
    ['+86 138 0013 8000', '+8613800138000', 'CN', 'MOBILE'],
    ['0033 6 12 34 56 78', '+33612345678', 'FR', 'MOBILE'],
    ['+1 (212) 555-0123', '+12125550123', 'US', 'FIXED_LINE_OR_MOBILE'],
  ])('accepts %s as %s in %s', (raw, e164, country, type) => {
    const r = parsePhoneRecipient(raw);
    expect(r).toEqual({ ok: true, value: { to: e164, country, numberType: type } });
  });

  it.each(['07912345678', '+44791234', '+999123456789', 'hello', '+44 7912 345678 ext 5', ''])(
    'rejects %j as invalid_number',
    (raw) => {
      expect(parsePhoneRecipient(raw)).toMatchObject({ ok: false, reason: 'invalid_number' });
    },
  );

  it('rejects a country the account may not send to, naming it', () => {
    const r = parsePhoneRecipient('+8613800138000', ['GB', 'FR']);
    expect(r).toEqual({ ok: false, reason: 'country_not_allowed', params: { country: 'CN' } });
    if (!r.ok) {
      expect(translate(`field.${r.reason}`, 'zh-CN', r.params)).toBe(
        '属于 CN，该发送账号不允许发送到此国家/地区',
      );
    }
  });

  it.each([
    ['Ann.Lee@Example.COM', 'Ann.Lee@example.com'],
    ['a+tag@mail.example.co.uk', 'a+tag@mail.example.co.uk'],
  ])('accepts the e-mail %s', (raw, normalized) => {
    expect(parseEmailRecipient(raw)).toEqual({ ok: true, value: normalized });
  });

  it.each([
    'plain',
    'a@b',
    '.a@example.com',
    'a.@example.com',
    'a..b@example.com',
    'a@-x.com',
    'a b@example.com',
  ])('rejects the e-mail %j', (raw) => {
    expect(parseEmailRecipient(raw)).toMatchObject({ ok: false, reason: 'invalid_email' });
  });
});

describe('MS-2 SMS content', () => {
  it('counts GSM-7 and UCS-2 parts and never truncates', () => {
    const r = checkSmsText('a'.repeat(400), 10);
    expect(r.ok && r.value).toMatchObject({ encoding: 'gsm7', segments: 3 });
    const zh = checkSmsText('你'.repeat(71), 10);
    expect(zh.ok && zh.value).toMatchObject({ encoding: 'ucs2', segments: 2 });
  });

  it('refuses a text over the account maximum with the count', () => {
    expect(checkSmsText('a'.repeat(161), 1)).toEqual({
      ok: false,
      reason: 'too_many_parts',
      params: { segments: 2, encoding: 'gsm7', max: 1 },
    });
    expect(checkSmsText('', 3)).toMatchObject({ ok: false, reason: 'empty_text' });
  });

  it('smart encoding keeps a text with curly quotes in GSM-7', () => {
    const text = '“Hello” — it’s ready';
    expect(checkSmsText(text, 5)).toMatchObject({ ok: true, value: { encoding: 'ucs2' } });
    expect(checkSmsText(text, 5, true)).toMatchObject({
      ok: true,
      value: { encoding: 'gsm7', text: '"Hello" - it\'s ready' },
    });
  });
});
