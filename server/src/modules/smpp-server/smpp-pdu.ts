// The pure half of the SMPP server (DL-8): parsing submit_sm / data_sm from their octets, text
// decoding by data_coding, SMPP times, the message-id format, the status an accept result maps
// to, and the deliver_sm fields of receipts and inbound (MO) messages.
import type smpp from 'smpp';
import {
  buildConcatUdh,
  DATA_CODING,
  decodeGsm7,
  decodeUcs2,
  detectEncoding,
  encodeGsm7,
  encodeText,
  isGsm7,
  splitText,
  splitUserData,
} from '../../lib/sms/index.js';
import {
  ESM_CLASS_UDHI,
  ESM_TYPE_DELIVERY_RECEIPT,
  Reader,
  SmppStatus,
  TLV,
  tlvInt,
} from '../../delivery/connectors/smpp/protocol.js';
import { formatReceiptText, MESSAGE_STATE } from '../../delivery/connectors/smpp/receipt.js';
import type { ReceiptStatus } from '../../delivery/connectors/types.js';
import type { Rejection } from '../messages/messages.contract.js';
import type { MessageStatus } from '../messages/messages.tables.js';

/** Statuses the SMPP server answers with beyond the connector's list (SMPP 3.4 §5.1.3). */
export const ServerStatus = {
  ...SmppStatus,
  ESME_RINVPARLEN: 0xc2,
  ESME_RINVSCHED: 0x61,
  ESME_RINVEXPIRY: 0x62,
  ESME_RQUERYFAIL: 0x67,
  ESME_RINVDCS: 0x104,
} as const;

export const CMD_SUBMIT_SM = 0x00000004;
export const CMD_DATA_SM = 0x00000103;

/** A submit_sm or data_sm as the server needs it. */
export interface SubmitPdu {
  commandId: number;
  sequenceNumber: number;
  sourceTon: number;
  source: string;
  destTon: number;
  destination: string;
  esmClass: number;
  registeredDelivery: number;
  dataCoding: number;
  /** Empty for data_sm. */
  scheduleDeliveryTime: string;
  validityPeriod: string;
  /** short_message octets (a UDH included), or message_payload when that was used. */
  userData: Buffer;
  tlvs: Map<number, Buffer>;
}

/** Parses a submit_sm or a data_sm (SMPP 3.4 §4.4.1, §4.7.1) from its octets; throws RangeError. */
export function parseSubmitPdu(raw: Buffer): SubmitPdu {
  const length = Math.min(raw.readUInt32BE(0), raw.length);
  const commandId = raw.readUInt32BE(4);
  const r = new Reader(raw, 16, length);
  r.cstring(); // service_type
  const sourceTon = r.u8();
  r.u8(); // source_addr_npi
  const source = r.cstring();
  const destTon = r.u8();
  r.u8(); // dest_addr_npi
  const destination = r.cstring();
  const esmClass = r.u8();
  const pdu: SubmitPdu = {
    commandId,
    sequenceNumber: raw.readUInt32BE(12),
    sourceTon,
    source,
    destTon,
    destination,
    esmClass,
    registeredDelivery: 0,
    dataCoding: 0,
    scheduleDeliveryTime: '',
    validityPeriod: '',
    userData: Buffer.alloc(0),
    tlvs: new Map(),
  };
  if (commandId === CMD_DATA_SM) {
    pdu.registeredDelivery = r.u8();
    pdu.dataCoding = r.u8();
  } else {
    r.u8(); // protocol_id
    r.u8(); // priority_flag
    pdu.scheduleDeliveryTime = r.cstring();
    pdu.validityPeriod = r.cstring();
    pdu.registeredDelivery = r.u8();
    r.u8(); // replace_if_present_flag
    pdu.dataCoding = r.u8();
    r.u8(); // sm_default_msg_id
    pdu.userData = r.bytes(r.u8());
  }
  while (r.offset + 4 <= length) {
    const tag = raw.readUInt16BE(r.offset);
    const tlvLength = raw.readUInt16BE(r.offset + 2);
    r.offset += 4;
    pdu.tlvs.set(tag, r.bytes(tlvLength));
  }
  const payload = pdu.tlvs.get(TLV.message_payload);
  if (payload && pdu.userData.length > 0) {
    // §5.3.2.32: short_message and message_payload together is an error.
    throw new RangeError('both short_message and message_payload are present');
  }
  if (payload) {
    pdu.userData = payload;
  }
  return pdu;
}

export interface ConcatPart {
  reference: number;
  total: number;
  sequence: number;
}

/** The text octets of a submit and its concatenation reference (UDH or sar_* TLVs), if any. */
export function splitConcat(pdu: SubmitPdu): { payload: Buffer; concat: ConcatPart | null } {
  if (pdu.esmClass & ESM_CLASS_UDHI) {
    const { udh, payload } = splitUserData(pdu.userData);
    const c = udh?.concat;
    return {
      payload,
      concat: c && c.total > 1 ? { reference: c.reference, total: c.total, sequence: c.sequence } : null,
    };
  }
  const total = tlvInt(pdu.tlvs.get(TLV.sar_total_segments));
  const sequence = tlvInt(pdu.tlvs.get(TLV.sar_segment_seqnum));
  if (total !== undefined && total > 1 && sequence !== undefined) {
    return {
      payload: pdu.userData,
      concat: { reference: tlvInt(pdu.tlvs.get(TLV.sar_msg_ref_num)) ?? 0, total, sequence },
    };
  }
  return { payload: pdu.userData, concat: null };
}

/**
 * Decodes text octets by data_coding: 0 GSM 03.38 (unpacked septets, the SMPP default), 1 IA5 /
 * ASCII, 3 Latin-1, 8 UCS-2 (UTF-16BE, surrogate pairs kept). Null for any other coding.
 */
export function decodeSubmitText(payload: Buffer, dataCoding: number): string | null {
  switch (dataCoding) {
    case 0x00:
      return decodeGsm7(payload);
    case 0x01:
      return payload.toString('ascii');
    case 0x03:
      return payload.toString('latin1');
    case 0x08:
      return decodeUcs2(payload);
    default:
      return null;
  }
}

/** True when a part's data_coding can be decoded. */
export function isSupportedDataCoding(dataCoding: number): boolean {
  return dataCoding === 0x00 || dataCoding === 0x01 || dataCoding === 0x03 || dataCoding === 0x08;
}

/**
 * An SMPP time (§7.1.1): absolute `YYMMDDhhmmsstnnp` (p = '+'/'-', nn quarter hours from UTC)
 * or relative `YYMMDDhhmmss000R`. '' → null; a malformed value → 'invalid'.
 */
export function parseSmppTime(value: string, now: Date): Date | null | 'invalid' {
  if (value === '') {
    return null;
  }
  const m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d)(\d{2})([+\-R])$/.exec(value);
  if (!m) {
    return 'invalid';
  }
  const [, yy, mo, dd, hh, mi, ss, tenths, nn, p] = m;
  const n = (s: string | undefined): number => Number(s ?? '0');
  if (p === 'R') {
    const seconds = (((n(yy) * 365 + n(mo) * 30 + n(dd)) * 24 + n(hh)) * 60 + n(mi)) * 60 + n(ss);
    return new Date(now.getTime() + seconds * 1000);
  }
  if (
    n(mo) < 1 ||
    n(mo) > 12 ||
    n(dd) < 1 ||
    n(dd) > 31 ||
    n(hh) > 23 ||
    n(mi) > 59 ||
    n(ss) > 59 ||
    n(nn) > 48
  ) {
    return 'invalid';
  }
  const local = Date.UTC(2000 + n(yy), n(mo) - 1, n(dd), n(hh), n(mi), n(ss), n(tenths) * 100);
  const offsetMs = n(nn) * 15 * 60_000 * (p === '+' ? 1 : -1);
  return new Date(local - offsetMs);
}

/**
 * Pigeon's message id as the account writes it. Message ids are UUIDv7; both formats carry all
 * 128 bits so either converts back: `hex` = the 32 hex digits without dashes (lower case),
 * `decimal` = the same 128-bit number in decimal (up to 39 digits; SMPP allows 64).
 */
export function toSmppMessageId(messageId: string, format: 'hex' | 'decimal'): string {
  const hex = messageId.replace(/-/g, '').toLowerCase();
  return format === 'hex' ? hex : BigInt(`0x${hex}`).toString(10);
}

/** The Pigeon message id of an SMPP message id in either format; null when it is not one. */
export function fromSmppMessageId(smppId: string, format: 'hex' | 'decimal'): string | null {
  const id = smppId.trim();
  let hex: string;
  if (format === 'hex') {
    if (!/^[0-9a-fA-F]{1,32}$/.test(id)) {
      return null;
    }
    hex = id.toLowerCase().padStart(32, '0');
  } else {
    if (!/^\d{1,39}$/.test(id)) {
      return null;
    }
    const n = BigInt(id);
    if (n >= 1n << 128n) {
      return null;
    }
    hex = n.toString(16).padStart(32, '0');
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const DESTINATION_REASONS = new Set(['invalid_number', 'country_not_allowed']);
const TEXT_REASONS = new Set(['empty_text', 'too_many_parts']);

/** The command_status of a submit whose item was refused by the accept path (README table). */
export function statusOfRejection(r: Pick<Rejection, 'code' | 'field' | 'reason'>): number {
  if (r.code === 'RECIPIENT_OPTED_OUT' || r.reason === 'recipient_opted_out') {
    return ServerStatus.ESME_RX_R_APPN;
  }
  if (r.code === 'SENDER_NOT_ALLOWED' || r.field === 'from') {
    return ServerStatus.ESME_RINVSRCADR;
  }
  if (r.field === 'to' || DESTINATION_REASONS.has(r.reason)) {
    return ServerStatus.ESME_RINVDSTADR;
  }
  if (TEXT_REASONS.has(r.reason)) {
    return ServerStatus.ESME_RINVMSGLEN;
  }
  return ServerStatus.ESME_RSUBMITFAIL;
}

/** The command_status of a submit when the accept call as a whole failed. */
export function statusOfError(err: unknown): number {
  const code = err && typeof err === 'object' && 'code' in err ? err.code : null;
  if (code === 'THROTTLED') {
    return ServerStatus.ESME_RTHROTTLED;
  }
  if (code === 'BACKLOG_FULL') {
    return ServerStatus.ESME_RMSGQFUL;
  }
  return ServerStatus.ESME_RSYSERR;
}

/** SMPP 3.4 addresses carry no '+': digits (international TON) become E.164. */
export function addressToE164(address: string, ton: number): string {
  const a = address.trim();
  if (/^\d+$/.test(a) && !a.startsWith('00') && ton !== 2) {
    return `+${a}`;
  }
  return a;
}

function e164ToAddress(value: string): { ton: number; npi: number; addr: string } {
  if (/^\+\d+$/.test(value)) {
    return { ton: 1, npi: 1, addr: value.slice(1) };
  }
  if (/^\d+$/.test(value)) {
    return { ton: 0, npi: 1, addr: value };
  }
  return { ton: 5, npi: 0, addr: value }; // alphanumeric sender
}

/** Final message states that produce a receipt, and how they are written. */
export const RECEIPT_STATUS: Partial<Record<MessageStatus, ReceiptStatus>> = {
  delivered: 'delivered',
  undelivered: 'undelivered',
  expired: 'expired',
  failed: 'undelivered',
  rejected: 'rejected',
  canceled: 'deleted',
  // SMPP has no "some parts arrived": not every part reached the handset.
  partially_delivered: 'undelivered',
};

/** message_state (§5.2.28) of a message in any state, for query_sm. */
export function messageStateOf(status: MessageStatus): number {
  const final = RECEIPT_STATUS[status];
  return final ? MESSAGE_STATE[final] : MESSAGE_STATE.enroute;
}

/** An absolute SMPP time in UTC (`YYMMDDhhmmss000+`). */
export function formatSmppTime(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    two(date.getUTCFullYear() % 100) +
    two(date.getUTCMonth() + 1) +
    two(date.getUTCDate()) +
    two(date.getUTCHours()) +
    two(date.getUTCMinutes()) +
    two(date.getUTCSeconds()) +
    '000+'
  );
}

/** registered_delivery bits 0–1: 1 = receipt on any final outcome, 2 = on failure only. */
export function wantsReceipt(registeredDelivery: number, status: ReceiptStatus): boolean {
  const mask = registeredDelivery & 0x03;
  return mask === 1 || (mask === 2 && status !== 'delivered');
}

export interface ReceiptInput {
  smppId: string;
  status: ReceiptStatus;
  /** The message's recipient (E.164) and sender. */
  to: string;
  from: string | null;
  submittedAt: Date;
  doneAt: Date;
  errorCode: string | null;
  textStart: string;
}

function gsmSafe(text: string): string {
  return [...text].map((ch) => (isGsm7(ch) ? ch : '?')).join('');
}

/** The deliver_sm of a delivery receipt: standard text plus receipted_message_id/message_state. */
export function receiptFields(r: ReceiptInput): smpp.PduFields {
  const err =
    r.errorCode && /^\d+$/.test(r.errorCode)
      ? r.errorCode.padStart(3, '0').slice(-3)
      : r.status === 'delivered'
        ? '000'
        : '001';
  const text = formatReceiptText({
    id: r.smppId,
    status: r.status,
    submitDate: r.submittedAt,
    doneDate: r.doneAt,
    err,
    text: gsmSafe(r.textStart),
  });
  const src = e164ToAddress(r.to);
  const dst = e164ToAddress(r.from ?? '');
  return {
    source_addr_ton: src.ton,
    source_addr_npi: src.npi,
    source_addr: src.addr,
    dest_addr_ton: dst.ton,
    dest_addr_npi: dst.npi,
    destination_addr: dst.addr,
    esm_class: ESM_TYPE_DELIVERY_RECEIPT,
    data_coding: 0,
    short_message: encodeGsm7(text),
    receipted_message_id: r.smppId,
    message_state: MESSAGE_STATE[r.status],
  };
}

/** The deliver_sm PDUs of an inbound message: GSM 7 or UCS-2, UDH parts when it is long. */
export function moFields(from: string, to: string, text: string, reference: number): smpp.PduFields[] {
  const encoding = detectEncoding(text);
  const texts = text === '' ? [''] : splitText(text, encoding);
  const src = e164ToAddress(from);
  const dst = e164ToAddress(to);
  return texts.map((part, i) => {
    const payload = encodeText(part, encoding);
    const udh =
      texts.length > 1
        ? buildConcatUdh({ reference: reference & 0xff, total: texts.length, sequence: i + 1 })
        : null;
    return {
      source_addr_ton: src.ton,
      source_addr_npi: src.npi,
      source_addr: src.addr,
      dest_addr_ton: dst.ton,
      dest_addr_npi: dst.npi,
      destination_addr: dst.addr,
      esm_class: udh ? ESM_CLASS_UDHI : 0,
      data_coding: DATA_CODING[encoding],
      short_message: udh ? Buffer.concat([udh, payload]) : payload,
    };
  });
}

/** deliver_sm fields as JSON (octet values as `{ hex }`) for the pending table. */
export function fieldsToJson(fields: smpp.PduFields): string {
  return JSON.stringify(fields, (_key, value: unknown) => {
    if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'Buffer') {
      return { hex: Buffer.from((value as { data: number[] }).data).toString('hex') };
    }
    return value;
  });
}

export function fieldsFromJson(json: string): smpp.PduFields {
  return JSON.parse(json, (_key, value: unknown) => {
    if (value && typeof value === 'object' && typeof (value as { hex?: unknown }).hex === 'string') {
      return Buffer.from((value as { hex: string }).hex, 'hex');
    }
    return value;
  }) as smpp.PduFields;
}
