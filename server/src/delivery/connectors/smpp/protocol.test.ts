import smpp from 'smpp';
import { describe, expect, it } from 'vitest';
import { buildConcatUdh, encodeUcs2 } from '../../../lib/sms/index.js';
import { TokenBucket } from './token-bucket.js';
import {
  isRetryableStatus,
  isThrottleStatus,
  parseShortMessagePdu,
  relativeTime,
  SmppStatus,
  statusName,
  TLV,
  tlvInt,
  tlvString,
} from './protocol.js';

describe('parseShortMessagePdu', () => {
  it('reads the fields and raw user data of a deliver_sm encoded by the smpp package', () => {
    const userData = Buffer.concat([
      buildConcatUdh({ reference: 9, total: 2, sequence: 1 }),
      encodeUcs2('你好'),
    ]);
    const pdu = new smpp.PDU('deliver_sm', {
      sequence_number: 77,
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: '8613800138000',
      dest_addr_ton: 3,
      dest_addr_npi: 1,
      destination_addr: '10690001',
      esm_class: 0x40,
      registered_delivery: 1,
      data_coding: 8,
      short_message: userData,
      receipted_message_id: 'ABC',
      message_state: 2,
    });
    const parsed = parseShortMessagePdu(pdu.toBuffer());
    expect(parsed).toMatchObject({
      commandId: 0x00000005,
      sequenceNumber: 77,
      sourceTon: 1,
      source: '8613800138000',
      destTon: 3,
      destination: '10690001',
      esmClass: 0x40,
      registeredDelivery: 1,
      dataCoding: 8,
    });
    expect(parsed.userData.equals(userData)).toBe(true);
    expect(tlvString(parsed.tlvs.get(TLV.receipted_message_id))).toBe('ABC');
    expect(tlvInt(parsed.tlvs.get(TLV.message_state))).toBe(2);
  });

  it('takes message_payload when short_message is empty', () => {
    const pdu = new smpp.PDU('deliver_sm', {
      source_addr: '1',
      destination_addr: '2',
      data_coding: 0,
      short_message: Buffer.alloc(0),
      message_payload: Buffer.from('long payload'),
    });
    expect(parseShortMessagePdu(pdu.toBuffer()).userData.toString()).toBe('long payload');
  });

  it('throws on a truncated body', () => {
    const raw = new smpp.PDU('deliver_sm', {
      source_addr: '1',
      destination_addr: '2',
      data_coding: 0,
    }).toBuffer();
    const cut = raw.subarray(0, 24);
    cut.writeUInt32BE(24, 0);
    expect(() => parseShortMessagePdu(cut)).toThrow(RangeError);
  });
});

describe('command statuses', () => {
  it('names statuses, known or not', () => {
    expect(statusName(SmppStatus.ESME_RTHROTTLED)).toBe('ESME_RTHROTTLED');
    expect(statusName(0x123)).toBe('SMPP_0x00000123');
  });

  it('classifies throttling, temporary and permanent statuses', () => {
    expect(isThrottleStatus(SmppStatus.ESME_RTHROTTLED)).toBe(true);
    expect(isThrottleStatus(SmppStatus.ESME_RMSGQFUL)).toBe(true);
    expect(isRetryableStatus(SmppStatus.ESME_RSYSERR)).toBe(true);
    expect(isRetryableStatus(0x401)).toBe(true);
    expect(isRetryableStatus(SmppStatus.ESME_RINVDSTADR)).toBe(false);
    expect(isRetryableStatus(SmppStatus.ESME_RX_P_APPN)).toBe(false);
  });
});

describe('relativeTime', () => {
  it('writes a validity period as SMPP relative time', () => {
    expect(relativeTime(90061)).toBe('000001010101000R');
    expect(relativeTime(600)).toBe('000000001000000R');
  });
});

describe('TokenBucket', () => {
  it('gives a burst, then one token per 1/rate seconds', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 2, () => now);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    expect(bucket.waitMs()).toBe(100);
    now += 100;
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    now += 10_000;
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
  });
});
