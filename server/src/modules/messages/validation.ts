// Message validation (MS-2): recipients (E.164 through libphonenumber with country and number
// type kept; e-mail addresses), SMS content (GSM-7 vs UCS-2, segments, the account's maximum
// parts — counted, never truncated). Pure functions: the send path calls them per item and
// turns a failed check into a per-item rejection with a stable reason code.
import { parsePhoneNumberFromString, type NumberType } from 'libphonenumber-js/max';
import { describeText, type TextDescription } from '../../lib/sms/index.js';
import { ValidationReasons } from './messages.errors.js';

export interface PhoneRecipient {
  /** E.164 with the leading "+". */
  to: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  numberType: NumberType | 'UNKNOWN';
}

export type Check<T> =
  { ok: true; value: T } | { ok: false; reason: string; params?: Record<string, unknown> };

/**
 * Parses an SMS recipient. Only international numbers are accepted (a leading "+" or "00");
 * national formats are ambiguous without a default country.
 */
// Parsing with full metadata is the costliest step of validating an SMS (campaigns and retries
// send to the same numbers again and again), so parses are remembered, a bounded number of them.
const PARSE_CACHE_SIZE = 50_000;
const parsedNumbers = new Map<string, PhoneRecipient | null>();

function parseInternational(intl: string): PhoneRecipient | null {
  const hit = parsedNumbers.get(intl);
  if (hit !== undefined) {
    return hit;
  }
  const parsed = parsePhoneNumberFromString(intl);
  const value: PhoneRecipient | null =
    parsed && parsed.isValid() && parsed.country
      ? { to: parsed.number, country: parsed.country, numberType: parsed.getType() ?? 'UNKNOWN' }
      : null;
  if (parsedNumbers.size >= PARSE_CACHE_SIZE) {
    parsedNumbers.clear();
  }
  parsedNumbers.set(intl, value);
  return value;
}

export function parsePhoneRecipient(
  raw: string,
  allowedCountries: readonly string[] = [],
): Check<PhoneRecipient> {
  const cleaned = raw.trim().replace(/[\s().-]/g, '');
  const intl = cleaned.startsWith('00') ? `+${cleaned.slice(2)}` : cleaned;
  if (!/^\+\d{6,15}$/.test(intl)) {
    return { ok: false, reason: ValidationReasons.invalidNumber };
  }
  const parsed = parseInternational(intl);
  if (!parsed) {
    return { ok: false, reason: ValidationReasons.invalidNumber };
  }
  if (allowedCountries.length > 0 && !allowedCountries.includes(parsed.country)) {
    return { ok: false, reason: ValidationReasons.countryNotAllowed, params: { country: parsed.country } };
  }
  return { ok: true, value: parsed };
}

// Deliberately simpler than RFC 5322: what real mailboxes use, with a dotted domain.
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function parseEmailRecipient(raw: string): Check<string> {
  const address = raw.trim();
  const [local = ''] = address.split('@');
  if (!EMAIL.test(address) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return { ok: false, reason: ValidationReasons.invalidEmail };
  }
  const at = address.lastIndexOf('@');
  return { ok: true, value: `${address.slice(0, at)}@${address.slice(at + 1).toLowerCase()}` };
}

/** Describes SMS content and refuses a text needing more parts than the account allows. */
export function checkSmsText(text: string, maxParts: number, smartEncoding = false): Check<TextDescription> {
  if (text.length === 0) {
    return { ok: false, reason: ValidationReasons.emptyText };
  }
  const d = describeText(text, { smartEncoding });
  if (d.segments > maxParts) {
    return {
      ok: false,
      reason: ValidationReasons.tooManyParts,
      params: { segments: d.segments, encoding: d.encoding, max: maxParts },
    };
  }
  return { ok: true, value: d };
}
