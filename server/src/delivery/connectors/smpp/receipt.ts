// Delivery receipts carried in deliver_sm: the de-facto standard text (SMPP 3.4 Appendix B,
// `id:… sub:… dlvrd:… submit date:… done date:… stat:… err:… text:…`) and the
// receipted_message_id / message_state TLVs, plus the message id normalizer that lets a receipt
// find its submit whether the carrier writes the id in hex, decimal or with leading zeros.
import type { DeliveryReceipt, ReceiptStatus } from '../types.js';
import { isFinalReceiptStatus } from '../types.js';
import { TLV, tlvInt, tlvString } from './protocol.js';

/**
 * How a carrier writes message ids. `auto`: digits-only ids are decimal, ids with hex letters
 * are hex, anything else is an opaque string. Set `hex` for a carrier whose all-digit ids are
 * hex too (Kannel's msg-id-type does the same job).
 */
export type MessageIdFormat = 'auto' | 'decimal' | 'hex' | 'string';

const DECIMAL = /^[0-9]+$/;
const HEX = /^(?:0x)?([0-9a-f]+)$/i;

/**
 * The canonical form of a provider message id: numeric ids become their decimal value without
 * leading zeros (so `0000A1B2`, `a1b2` and `41394` all become `41394`); other ids are trimmed
 * and lower-cased.
 */
export function normalizeProviderMessageId(id: string, format: MessageIdFormat = 'auto'): string {
  const trimmed = id.trim();
  if (trimmed === '' || format === 'string') {
    return trimmed;
  }
  if ((format === 'decimal' || format === 'auto') && DECIMAL.test(trimmed)) {
    return BigInt(trimmed).toString(10);
  }
  const hex = HEX.exec(trimmed);
  if (hex && (format === 'hex' || format === 'auto')) {
    return BigInt(`0x${hex[1]}`).toString(10);
  }
  return trimmed.toLowerCase();
}

export interface ReceiptText {
  id?: string;
  sub?: string;
  dlvrd?: string;
  submitDate?: string;
  doneDate?: string;
  stat?: string;
  err?: string;
  text?: string;
}

const RECEIPT_KEYS = /(^|\s)(id|sub|dlvrd|submit date|done date|stat|err|text)\s*:/gi;

/** Parses the standard receipt text; null when it has neither an id nor a stat field. */
export function parseReceiptText(text: string): ReceiptText | null {
  const found: { key: string; start: number; valueStart: number }[] = [];
  for (const match of text.matchAll(RECEIPT_KEYS)) {
    const key = (match[2] ?? '').toLowerCase();
    // "text:" runs to the end: keys after it are part of the message text.
    if (found.some((f) => f.key === 'text')) {
      break;
    }
    found.push({
      key,
      start: match.index + (match[1] ?? '').length,
      valueStart: match.index + match[0].length,
    });
  }
  const out: ReceiptText = {};
  found.forEach((f, i) => {
    const end = found[i + 1]?.start ?? text.length;
    const value = f.key === 'text' ? text.slice(f.valueStart, end) : text.slice(f.valueStart, end).trim();
    switch (f.key) {
      case 'id':
        out.id = value;
        break;
      case 'sub':
        out.sub = value;
        break;
      case 'dlvrd':
        out.dlvrd = value;
        break;
      case 'submit date':
        out.submitDate = value;
        break;
      case 'done date':
        out.doneDate = value;
        break;
      case 'stat':
        out.stat = value;
        break;
      case 'err':
        out.err = value;
        break;
      default:
        out.text = value;
    }
  });
  return out.id === undefined && out.stat === undefined ? null : out;
}

const STAT_WORDS: ReadonlyMap<string, ReceiptStatus> = new Map([
  ['DELIVRD', 'delivered'],
  ['DELIVERED', 'delivered'],
  ['EXPIRED', 'expired'],
  ['DELETED', 'deleted'],
  ['UNDELIV', 'undelivered'],
  ['UNDELIVERABLE', 'undelivered'],
  ['UNDELIVERED', 'undelivered'],
  ['FAILED', 'undelivered'],
  ['ACCEPTD', 'accepted'],
  ['ACCEPTED', 'accepted'],
  ['UNKNOWN', 'unknown'],
  ['REJECTD', 'rejected'],
  ['REJECTED', 'rejected'],
  ['ENROUTE', 'enroute'],
]);

/** The receipt `stat:` word as a status; unknown words map to `unknown`. */
export function statusFromStatWord(word: string): ReceiptStatus {
  return STAT_WORDS.get(word.trim().toUpperCase()) ?? 'unknown';
}

/** message_state values (SMPP 3.4 §5.2.28). */
const MESSAGE_STATES: readonly ReceiptStatus[] = [
  'enroute', // 0 SCHEDULED (SMPP 5)
  'enroute', // 1 ENROUTE
  'delivered', // 2 DELIVERED
  'expired', // 3 EXPIRED
  'deleted', // 4 DELETED
  'undelivered', // 5 UNDELIVERABLE
  'accepted', // 6 ACCEPTED
  'unknown', // 7 UNKNOWN
  'rejected', // 8 REJECTED
  'rejected', // 9 SKIPPED (SMPP 5)
];

export function statusFromMessageState(state: number): ReceiptStatus {
  return MESSAGE_STATES[state] ?? 'unknown';
}

/** The receipt `stat:` word a status is written as. */
export const STAT_WORD: Readonly<Record<ReceiptStatus, string>> = {
  enroute: 'ENROUTE',
  delivered: 'DELIVRD',
  expired: 'EXPIRED',
  deleted: 'DELETED',
  undelivered: 'UNDELIV',
  accepted: 'ACCEPTD',
  unknown: 'UNKNOWN',
  rejected: 'REJECTD',
};

/** message_state value for a status. */
export const MESSAGE_STATE: Readonly<Record<ReceiptStatus, number>> = {
  enroute: 1,
  delivered: 2,
  expired: 3,
  deleted: 4,
  undelivered: 5,
  accepted: 6,
  unknown: 7,
  rejected: 8,
};

/** Receipt dates are `YYMMDDhhmm` or `YYMMDDhhmmss`, taken as UTC. */
export function parseReceiptDate(value: string | undefined): Date | undefined {
  const m = value ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$/.exec(value.trim()) : null;
  if (!m) {
    return undefined;
  }
  const [, yy, mo, dd, hh, mi, ss] = m;
  const date = new Date(
    Date.UTC(2000 + Number(yy), Number(mo) - 1, Number(dd), Number(hh), Number(mi), Number(ss ?? 0)),
  );
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function formatReceiptDate(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    two(date.getUTCFullYear() % 100) +
    two(date.getUTCMonth() + 1) +
    two(date.getUTCDate()) +
    two(date.getUTCHours()) +
    two(date.getUTCMinutes()) +
    two(date.getUTCSeconds())
  );
}

export interface ReceiptTextFields {
  id: string;
  status: ReceiptStatus;
  submitDate: Date;
  doneDate: Date;
  err?: string;
  text?: string;
}

/** Writes the standard receipt text (what an SMSC puts in a receipt's short_message). */
export function formatReceiptText(f: ReceiptTextFields): string {
  const delivered = f.status === 'delivered' ? '001' : '000';
  const text = (f.text ?? '').slice(0, 20);
  return (
    `id:${f.id} sub:001 dlvrd:${delivered} submit date:${formatReceiptDate(f.submitDate).slice(0, 10)} ` +
    `done date:${formatReceiptDate(f.doneDate).slice(0, 10)} stat:${STAT_WORD[f.status]} err:${f.err ?? '000'} text:${text}`
  );
}

export interface ReceiptSource {
  /** The receipt's short_message decoded as text. */
  text: string;
  tlvs: ReadonlyMap<number, Buffer>;
}

/**
 * A delivery receipt from a deliver_sm's text and TLVs. The TLVs win where both are present
 * (receipted_message_id is written like the submit_sm_resp id, the text's id often is not).
 * Null when the PDU carries no message id at all.
 */
export function receiptFromDeliverSm(
  source: ReceiptSource,
  idFormat: MessageIdFormat,
  receivedAt: Date,
): DeliveryReceipt | null {
  const parsed = parseReceiptText(source.text);
  const tlvId = tlvString(source.tlvs.get(TLV.receipted_message_id));
  const rawId = tlvId && tlvId.trim() !== '' ? tlvId : parsed?.id;
  if (rawId === undefined || rawId.trim() === '') {
    return null;
  }
  const state = tlvInt(source.tlvs.get(TLV.message_state));
  const status =
    state !== undefined
      ? statusFromMessageState(state)
      : parsed?.stat !== undefined
        ? statusFromStatWord(parsed.stat)
        : 'unknown';
  const networkError = source.tlvs.get(TLV.network_error_code);
  const errorCode =
    parsed?.err !== undefined && parsed.err !== ''
      ? parsed.err
      : networkError && networkError.length === 3
        ? `${networkError.readUInt8(0)}:${networkError.readUInt16BE(1)}`
        : undefined;
  const receipt: DeliveryReceipt = {
    providerMessageId: normalizeProviderMessageId(rawId, idFormat),
    rawProviderMessageId: rawId,
    status,
    isFinal: isFinalReceiptStatus(status),
    providerStatus: parsed?.stat ?? (state !== undefined ? `message_state=${state}` : ''),
    receivedAt,
  };
  if (errorCode !== undefined) {
    receipt.errorCode = errorCode;
  }
  const submittedAt = parseReceiptDate(parsed?.submitDate);
  if (submittedAt) {
    receipt.submittedAt = submittedAt;
  }
  const doneAt = parseReceiptDate(parsed?.doneDate);
  if (doneAt) {
    receipt.doneAt = doneAt;
  }
  return receipt;
}
