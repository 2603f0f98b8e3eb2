// Delivery receipts carried in deliver_sm: the de-facto standard text (SMPP 3.4 Appendix B,
// `id:… sub:… dlvrd:… submit date:… done date:… stat:… err:… text:…`) and the
// receipted_message_id / message_state TLVs, read (with the id normalised, see message-id.ts)
// and written.
import { encodeGsm7, isGsm7 } from '../sms/index.js';
import {
  ESM_TYPE_DELIVERY_RECEIPT,
  ESM_TYPE_INTERMEDIATE_NOTIFICATION,
  ESM_TYPE_MASK,
  TLV,
} from './constants.js';
import { normalizeProviderMessageId, type MessageIdFormat } from './message-id.js';
import type { PduInput, ShortMessagePdu } from './pdu.js';
import { cstringTlv, tlvInt, tlvString, tlvs, u8Tlv } from './tlv.js';

/** Delivery state a receipt reports (SMPP message_state names, lower-cased). */
export type ReceiptStatus =
  'enroute' | 'delivered' | 'expired' | 'deleted' | 'undelivered' | 'accepted' | 'unknown' | 'rejected';

/** True when the status is final (anything but enroute/accepted). */
export function isFinalReceiptStatus(status: ReceiptStatus): boolean {
  return status !== 'enroute' && status !== 'accepted';
}

/** A receipt as read from a deliver_sm (the connectors' DeliveryReceipt has this shape). */
export interface ParsedReceipt {
  /** Normalized so it equals the normalized id of the submit_sm_resp. */
  providerMessageId: string;
  /** The id exactly as the carrier wrote it. */
  rawProviderMessageId: string;
  status: ReceiptStatus;
  isFinal: boolean;
  /** The `stat:` word (`DELIVRD`…) or `message_state=<n>`. */
  providerStatus: string;
  errorCode?: string;
  submittedAt?: Date;
  doneAt?: Date;
  receivedAt: Date;
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
): ParsedReceipt | null {
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
  const receipt: ParsedReceipt = {
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

/** An SMPP address: TON, NPI and the digits or name. */
export interface SmppAddress {
  ton: number;
  npi: number;
  address: string;
}

export interface ReceiptDeliverSmInput extends ReceiptTextFields {
  /** The handset the message went to (the receipt's source). */
  source: SmppAddress;
  /** The sender of the message (the receipt's destination). */
  destination: SmppAddress;
  /** Adds network_error_code (GSM, type 3) with this code. */
  networkErrorCode?: number;
}

/**
 * The deliver_sm of a delivery receipt: the standard text (GSM 7 when it fits, Latin-1
 * otherwise) plus receipted_message_id and message_state.
 */
export function receiptDeliverSm(r: ReceiptDeliverSmInput): PduInput & { command: 'deliver_sm' } {
  const text = formatReceiptText(r);
  const network =
    r.networkErrorCode === undefined
      ? undefined
      : Buffer.from([3, (r.networkErrorCode >> 8) & 0xff, r.networkErrorCode & 0xff]);
  return {
    command: 'deliver_sm',
    sourceTon: r.source.ton,
    sourceNpi: r.source.npi,
    source: r.source.address,
    destTon: r.destination.ton,
    destNpi: r.destination.npi,
    destination: r.destination.address,
    esmClass: ESM_TYPE_DELIVERY_RECEIPT,
    dataCoding: 0,
    shortMessage: isGsm7(text) ? encodeGsm7(text) : Buffer.from(text, 'latin1'),
    tlvs: tlvs(
      [TLV.receipted_message_id, cstringTlv(r.id)],
      [TLV.message_state, u8Tlv(MESSAGE_STATE[r.status])],
      [TLV.network_error_code, network],
    ),
  };
}

/**
 * Whether a deliver_sm is a receipt: esm_class says so (delivery receipt or intermediate
 * notification), or a plain one carries receipted_message_id (some carriers send them so).
 */
export function isReceiptDeliverSm(pdu: Pick<ShortMessagePdu, 'esmClass' | 'tlvs'>): boolean {
  const type = pdu.esmClass & ESM_TYPE_MASK;
  return (
    type === ESM_TYPE_DELIVERY_RECEIPT ||
    type === ESM_TYPE_INTERMEDIATE_NOTIFICATION ||
    (type === 0 && pdu.tlvs.has(TLV.receipted_message_id))
  );
}
