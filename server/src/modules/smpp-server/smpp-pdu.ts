// The pure half of the SMPP server (DL-8) that knows Pigeon: the command_status an accept result
// maps to (the README table), the receipt status of a final message state, the deliver_sm of a
// receipt or an inbound message, and how a kept deliver_sm is stored. SMPP itself is lib/smpp.
import { detectEncoding, isGsm7, splitText, DATA_CODING } from '../../lib/sms/index.js';
import {
  concatenatedShortMessages,
  e164ToAddress,
  MESSAGE_STATE,
  receiptDeliverSm,
  SmppStatus,
  TLV,
  type PduInput,
  type ReceiptStatus,
  type Tlvs,
} from '../../lib/smpp/index.js';
import type { MessageStatus, Rejection } from '../messages/index.js';

/** The command statuses the SMPP server answers with (SMPP 3.4 §5.1.3). */
export const ServerStatus = SmppStatus;

export type DeliverSmInput = PduInput & { command: 'deliver_sm' };

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
export function receiptPdu(r: ReceiptInput): DeliverSmInput {
  const err =
    r.errorCode && /^\d+$/.test(r.errorCode)
      ? r.errorCode.padStart(3, '0').slice(-3)
      : r.status === 'delivered'
        ? '000'
        : '001';
  return receiptDeliverSm({
    id: r.smppId,
    status: r.status,
    submitDate: r.submittedAt,
    doneDate: r.doneAt,
    err,
    text: gsmSafe(r.textStart),
    source: e164ToAddress(r.to),
    destination: e164ToAddress(r.from ?? ''),
  });
}

/** The deliver_sm PDUs of an inbound message: GSM 7 or UCS-2, UDH parts when it is long. */
export function moPdus(from: string, to: string, text: string, reference: number): DeliverSmInput[] {
  const encoding = detectEncoding(text);
  const texts = text === '' ? [''] : splitText(text, encoding);
  const src = e164ToAddress(from);
  const dst = e164ToAddress(to);
  return concatenatedShortMessages(texts, encoding, reference & 0xff).map(({ esmClass, shortMessage }) => ({
    command: 'deliver_sm',
    sourceTon: src.ton,
    sourceNpi: src.npi,
    source: src.address,
    destTon: dst.ton,
    destNpi: dst.npi,
    destination: dst.address,
    esmClass,
    dataCoding: DATA_CODING[encoding],
    shortMessage,
  }));
}

// A kept deliver_sm is stored as JSON with SMPP's field names (as the rows written before the
// codec was Pigeon's own), octet values as `{ "hex": … }`; receipts carry two TLVs by name.

interface StoredDeliverSm {
  source_addr_ton?: number;
  source_addr_npi?: number;
  source_addr?: string;
  dest_addr_ton?: number;
  dest_addr_npi?: number;
  destination_addr?: string;
  esm_class?: number;
  data_coding?: number;
  short_message?: { hex: string };
  receipted_message_id?: string;
  message_state?: number;
  /** Any other TLV by tag (hex octets). */
  tlvs?: Record<string, string>;
}

export function deliverSmToJson(pdu: DeliverSmInput): string {
  const stored: StoredDeliverSm = {
    source_addr_ton: pdu.sourceTon ?? 0,
    source_addr_npi: pdu.sourceNpi ?? 0,
    source_addr: pdu.source ?? '',
    dest_addr_ton: pdu.destTon ?? 0,
    dest_addr_npi: pdu.destNpi ?? 0,
    destination_addr: pdu.destination ?? '',
    esm_class: pdu.esmClass ?? 0,
    data_coding: pdu.dataCoding ?? 0,
    short_message: { hex: (pdu.shortMessage ?? Buffer.alloc(0)).toString('hex') },
  };
  const others: Record<string, string> = {};
  for (const [tag, value] of pdu.tlvs ?? []) {
    if (tag === TLV.receipted_message_id) {
      const zero = value.indexOf(0);
      stored.receipted_message_id = value.toString('latin1', 0, zero < 0 ? value.length : zero);
    } else if (tag === TLV.message_state && value.length === 1) {
      stored.message_state = value.readUInt8(0);
    } else {
      others[String(tag)] = value.toString('hex');
    }
  }
  if (Object.keys(others).length > 0) {
    stored.tlvs = others;
  }
  return JSON.stringify(stored);
}

export function deliverSmFromJson(json: string): DeliverSmInput {
  const s = JSON.parse(json) as StoredDeliverSm;
  const tlvs = new Map<number, Buffer>();
  if (s.receipted_message_id !== undefined) {
    tlvs.set(TLV.receipted_message_id, Buffer.from(`${s.receipted_message_id}\0`, 'latin1'));
  }
  if (s.message_state !== undefined) {
    tlvs.set(TLV.message_state, Buffer.from([s.message_state]));
  }
  for (const [tag, hex] of Object.entries(s.tlvs ?? {})) {
    tlvs.set(Number(tag), Buffer.from(hex, 'hex'));
  }
  const stored: Tlvs = tlvs;
  return {
    command: 'deliver_sm',
    sourceTon: s.source_addr_ton ?? 0,
    sourceNpi: s.source_addr_npi ?? 0,
    source: s.source_addr ?? '',
    destTon: s.dest_addr_ton ?? 0,
    destNpi: s.dest_addr_npi ?? 0,
    destination: s.destination_addr ?? '',
    esmClass: s.esm_class ?? 0,
    dataCoding: s.data_coding ?? 0,
    shortMessage: Buffer.from(s.short_message?.hex ?? '', 'hex'),
    tlvs: stored,
  };
}
