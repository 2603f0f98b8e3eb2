// DL-8 SMPP mapping, pure: message ids, SMPP times, the README's status table, text decoding by
// data_coding, data_sm parsing and addresses, receipts by registered_delivery. (Moved from
// smpp-server.test.ts with the code it tests.)
import smpp from 'smpp';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids.js';
import { encodeGsm7, encodeUcs2 } from '../../lib/sms/index.js';
import {
  addressToE164,
  CommandId,
  decodePdu,
  decodeSubmitText,
  encodePdu,
  fromSmppMessageId,
  parseSmppTime,
  submitView,
  toSmppMessageId,
  type SubmitView,
} from '../../lib/smpp/index.js';
import {
  deliverSmFromJson,
  deliverSmToJson,
  moPdus,
  ServerStatus,
  statusOfError,
  statusOfRejection,
  wantsReceipt,
} from './smpp-pdu.js';

const CMD_DATA_SM = CommandId.data_sm;

/** A submit_sm or data_sm as the server reads it, from its octets. */
function parseSubmitPdu(raw: Buffer): SubmitView {
  const pdu = decodePdu(raw);
  if (pdu.command !== 'submit_sm' && pdu.command !== 'data_sm') {
    throw new Error(`expected submit_sm or data_sm, got ${pdu.command}`);
  }
  return submitView(pdu);
}

describe('DL-8 SMPP PDU mapping (pure)', () => {
  it('maps message ids to hex and decimal and back without loss', () => {
    const id = newId();
    const hex = toSmppMessageId(id, 'hex');
    const dec = toSmppMessageId(id, 'decimal');
    expect(hex).toMatch(/^[0-9a-f]{32}$/);
    expect(dec).toMatch(/^\d{1,39}$/);
    expect(fromSmppMessageId(hex, 'hex')).toBe(id);
    expect(fromSmppMessageId(dec, 'decimal')).toBe(id);
    expect(fromSmppMessageId(hex.toUpperCase(), 'hex')).toBe(id);
    expect(fromSmppMessageId('xyz', 'hex')).toBeNull();
    expect(fromSmppMessageId('1'.repeat(40), 'decimal')).toBeNull();
  });

  it('reads relative and absolute SMPP times and refuses malformed ones', () => {
    const now = new Date('2026-11-23T12:00:00Z');
    expect(parseSmppTime('', now)).toBeNull();
    expect(parseSmppTime('000001020304000R', now)).toEqual(new Date('2026-11-24T14:03:04Z'));
    // 13:00 local at UTC+1 (4 quarter hours) is 12:00 UTC.
    expect(parseSmppTime('261123130000004+', now)).toEqual(new Date('2026-11-23T12:00:00Z'));
    expect(parseSmppTime('261123130000004-', now)).toEqual(new Date('2026-11-23T14:00:00Z'));
    expect(parseSmppTime('2611231300', now)).toBe('invalid');
    expect(parseSmppTime('261323130000004+', now)).toBe('invalid');
  });

  it('maps rejections and whole-call errors to SMPP command statuses (README table)', () => {
    const rej = (code: string, reason: string, field?: string) => statusOfRejection({ code, reason, field });
    expect(rej('VALIDATION_FAILED', 'invalid_number', 'to')).toBe(ServerStatus.ESME_RINVDSTADR);
    expect(rej('VALIDATION_FAILED', 'country_not_allowed', 'to')).toBe(ServerStatus.ESME_RINVDSTADR);
    expect(rej('SENDER_NOT_ALLOWED', 'sender_not_approved', 'from')).toBe(ServerStatus.ESME_RINVSRCADR);
    expect(rej('RECIPIENT_OPTED_OUT', 'recipient_opted_out', 'to')).toBe(ServerStatus.ESME_RX_R_APPN);
    expect(rej('VALIDATION_FAILED', 'too_many_parts', 'text')).toBe(ServerStatus.ESME_RINVMSGLEN);
    expect(rej('INSUFFICIENT_BALANCE', 'insufficient_balance')).toBe(ServerStatus.ESME_RSUBMITFAIL);
    expect(rej('NO_ROUTE', 'no_route')).toBe(ServerStatus.ESME_RSUBMITFAIL);
    expect(statusOfError(new AppError('THROTTLED', 429))).toBe(ServerStatus.ESME_RTHROTTLED);
    expect(statusOfError(new AppError('BACKLOG_FULL', 503))).toBe(ServerStatus.ESME_RMSGQFUL);
    expect(statusOfError(new Error('boom'))).toBe(ServerStatus.ESME_RSYSERR);
  });

  it('decodes GSM 7, ASCII, Latin-1 and UCS-2 (surrogate pairs kept) and refuses other codings', () => {
    expect(decodeSubmitText(encodeGsm7('Hi €5 {ok}'), 0)).toBe('Hi €5 {ok}');
    expect(decodeSubmitText(Buffer.from('plain', 'ascii'), 1)).toBe('plain');
    expect(decodeSubmitText(Buffer.from('café', 'latin1'), 3)).toBe('café');
    expect(decodeSubmitText(encodeUcs2('你好 😀'), 8)).toBe('你好 😀');
    expect(decodeSubmitText(Buffer.from([1, 2]), 4)).toBeNull();
  });

  it('parses a data_sm with message_payload and writes addresses as E.164', () => {
    const pdu = new smpp.PDU('data_sm', {
      sequence_number: 7,
      source_addr: 'Acme',
      dest_addr_ton: 1,
      destination_addr: '447912345678',
      registered_delivery: 1,
      data_coding: 0,
      message_payload: encodeGsm7('payload text'),
    });
    const sm = parseSubmitPdu(pdu.toBuffer());
    expect(sm).toMatchObject({ commandId: CMD_DATA_SM, sequenceNumber: 7, registeredDelivery: 1 });
    expect(decodeSubmitText(sm.userData, 0)).toBe('payload text');
    expect(addressToE164(sm.destination, sm.destTon)).toBe('+447912345678');
    expect(addressToE164('Acme', 5)).toBe('Acme');
  });

  it('sends receipts by registered_delivery: 1 always, 2 on failure only, 0 never', () => {
    expect(wantsReceipt(1, 'delivered')).toBe(true);
    expect(wantsReceipt(2, 'delivered')).toBe(false);
    expect(wantsReceipt(2, 'undelivered')).toBe(true);
    expect(wantsReceipt(0, 'undelivered')).toBe(false);
  });
});

describe('DL-8 kept deliver_sm (smpp_pending_deliveries.pdu)', () => {
  it('reads rows written before the codec was Pigeon’s own, and writes the same shape', () => {
    // A receipt row as the server stored it with the smpp package's field names.
    const old =
      '{"source_addr_ton":1,"source_addr_npi":1,"source_addr":"447912345678","dest_addr_ton":5,' +
      '"dest_addr_npi":0,"destination_addr":"Pigeon","esm_class":4,"data_coding":0,' +
      `"short_message":{"hex":"${encodeGsm7('id:abc stat:DELIVRD').toString('hex')}"},` +
      '"receipted_message_id":"abc","message_state":2}';
    const pdu = deliverSmFromJson(old);
    const theirs = new smpp.PDU(encodePdu(pdu, 3));
    expect(theirs).toMatchObject({
      command: 'deliver_sm',
      source_addr_ton: 1,
      source_addr: '447912345678',
      dest_addr_ton: 5,
      destination_addr: 'Pigeon',
      esm_class: 4,
      receipted_message_id: 'abc',
      message_state: 2,
    });
    expect(JSON.parse(deliverSmToJson(pdu))).toEqual(JSON.parse(old));
  });

  it('keeps an MO part with its UDH intact through the table', () => {
    const [first] = moPdus('+8613800138000', '+447700900999', '长消息'.repeat(30), 7);
    if (!first) {
      throw new Error('no MO part');
    }
    const back = deliverSmFromJson(deliverSmToJson(first));
    expect(back.shortMessage?.equals(first.shortMessage ?? Buffer.alloc(0))).toBe(true);
    expect(back).toMatchObject({ esmClass: 0x40, dataCoding: 8, source: '8613800138000', sourceTon: 1 });
  });
});
