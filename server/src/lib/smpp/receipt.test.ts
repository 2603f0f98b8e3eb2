import { describe, expect, it } from 'vitest';
import { TLV } from './constants.js';
import { normalizeProviderMessageId } from './message-id.js';
import {
  formatReceiptText,
  parseReceiptDate,
  parseReceiptText,
  receiptFromDeliverSm,
  statusFromMessageState,
  statusFromStatWord,
} from './receipt.js';

describe('normalizeProviderMessageId', () => {
  it('makes hex, decimal and zero-padded forms of one id equal', () => {
    const canonical = normalizeProviderMessageId('A1B2C3D4');
    expect(canonical).toBe(String(0xa1b2c3d4));
    expect(normalizeProviderMessageId('a1b2c3d4')).toBe(canonical);
    expect(normalizeProviderMessageId('0x00A1B2C3D4')).toBe(canonical);
    expect(normalizeProviderMessageId(String(0xa1b2c3d4))).toBe(canonical);
    expect(normalizeProviderMessageId(`0000${0xa1b2c3d4}`)).toBe(canonical);
  });

  it('strips leading zeros and surrounding spaces from decimal ids', () => {
    expect(normalizeProviderMessageId(' 000123 ')).toBe('123');
    expect(normalizeProviderMessageId('0')).toBe('0');
  });

  it('reads all-digit ids as hex when the carrier is known to write hex', () => {
    expect(normalizeProviderMessageId('12345', 'hex')).toBe(String(0x12345));
    expect(normalizeProviderMessageId('0012345', 'hex')).toBe(String(0x12345));
    expect(normalizeProviderMessageId('12345', 'decimal')).toBe('12345');
  });

  it('handles ids beyond 2^53 exactly', () => {
    expect(normalizeProviderMessageId('FFFFFFFFFFFFFFFFFF')).toBe('4722366482869645213695');
    expect(normalizeProviderMessageId('004722366482869645213695')).toBe('4722366482869645213695');
  });

  it('keeps opaque ids, compared case-insensitively', () => {
    expect(normalizeProviderMessageId('Msg-42-XYZ')).toBe('msg-42-xyz');
    expect(normalizeProviderMessageId('Msg-42-XYZ', 'string')).toBe('Msg-42-XYZ');
  });
});

describe('parseReceiptText', () => {
  it('reads every field of the standard receipt text', () => {
    const parsed = parseReceiptText(
      'id:0123456789 sub:001 dlvrd:001 submit date:2601021530 done date:2601021531 stat:DELIVRD err:000 text:Your code is 1234',
    );
    expect(parsed).toEqual({
      id: '0123456789',
      sub: '001',
      dlvrd: '001',
      submitDate: '2601021530',
      doneDate: '2601021531',
      stat: 'DELIVRD',
      err: '000',
      text: 'Your code is 1234',
    });
  });

  it('accepts other capitalisation and a text that itself looks like fields', () => {
    const parsed = parseReceiptText(
      'id:AB12 Sub:001 Dlvrd:000 Submit date:2601021530 Done date:2601021531 Stat:UNDELIV Err:034 Text:stat:DELIVRD id:9',
    );
    expect(parsed).toMatchObject({ id: 'AB12', stat: 'UNDELIV', err: '034', text: 'stat:DELIVRD id:9' });
  });

  it('returns null for a text that is not a receipt', () => {
    expect(parseReceiptText('Hello, see you at 5')).toBeNull();
  });
});

describe('receipt statuses and dates', () => {
  it('maps stat words and message_state values', () => {
    expect(statusFromStatWord('DELIVRD')).toBe('delivered');
    expect(statusFromStatWord('undeliv')).toBe('undelivered');
    expect(statusFromStatWord('REJECTD')).toBe('rejected');
    expect(statusFromStatWord('EXPIRED')).toBe('expired');
    expect(statusFromStatWord('WHATEVER')).toBe('unknown');
    expect(statusFromMessageState(2)).toBe('delivered');
    expect(statusFromMessageState(5)).toBe('undelivered');
    expect(statusFromMessageState(8)).toBe('rejected');
    expect(statusFromMessageState(42)).toBe('unknown');
  });

  it('parses receipt dates with and without seconds as UTC', () => {
    expect(parseReceiptDate('2601021530')?.toISOString()).toBe('2026-01-02T15:30:00.000Z');
    expect(parseReceiptDate('260102153045')?.toISOString()).toBe('2026-01-02T15:30:45.000Z');
    expect(parseReceiptDate('garbage')).toBeUndefined();
  });

  it('writes a receipt text that parses back', () => {
    const text = formatReceiptText({
      id: '77',
      status: 'expired',
      submitDate: new Date('2026-03-04T05:06:07Z'),
      doneDate: new Date('2026-03-05T05:06:07Z'),
      text: 'hello',
    });
    expect(text).toBe(
      'id:77 sub:001 dlvrd:000 submit date:2603040506 done date:2603050506 stat:EXPIRED err:000 text:hello',
    );
    expect(parseReceiptText(text)).toMatchObject({ id: '77', stat: 'EXPIRED', text: 'hello' });
  });
});

describe('receiptFromDeliverSm', () => {
  const now = new Date('2026-01-01T00:00:00Z');

  it('prefers the receipted_message_id and message_state TLVs over the text', () => {
    const tlvs = new Map([
      [TLV.receipted_message_id, Buffer.from('1A2B\0', 'latin1')],
      [TLV.message_state, Buffer.from([5])],
    ]);
    const receipt = receiptFromDeliverSm(
      {
        text: 'id:0000006699 sub:001 dlvrd:000 submit date:2601010000 done date:2601010001 stat:DELIVRD err:000 text:',
        tlvs,
      },
      'auto',
      now,
    );
    expect(receipt).toMatchObject({
      providerMessageId: String(0x1a2b),
      rawProviderMessageId: '1A2B',
      status: 'undelivered',
      isFinal: true,
      providerStatus: 'DELIVRD',
      errorCode: '000',
    });
    expect(receipt?.doneAt?.toISOString()).toBe('2026-01-01T00:01:00.000Z');
  });

  it('falls back to the text alone', () => {
    const receipt = receiptFromDeliverSm({ text: 'id:00042 stat:ACCEPTD', tlvs: new Map() }, 'auto', now);
    expect(receipt).toMatchObject({ providerMessageId: '42', status: 'accepted', isFinal: false });
  });

  it('uses network_error_code when the text has no err field', () => {
    const tlvs = new Map([
      [TLV.receipted_message_id, Buffer.from('9', 'latin1')],
      [TLV.message_state, Buffer.from([8])],
      [TLV.network_error_code, Buffer.from([3, 0, 11])],
    ]);
    expect(receiptFromDeliverSm({ text: '', tlvs }, 'auto', now)).toMatchObject({
      status: 'rejected',
      errorCode: '3:11',
      providerStatus: 'message_state=8',
    });
  });

  it('returns null when there is no id at all', () => {
    expect(receiptFromDeliverSm({ text: 'stat:DELIVRD', tlvs: new Map() }, 'auto', now)).toBeNull();
  });
});
