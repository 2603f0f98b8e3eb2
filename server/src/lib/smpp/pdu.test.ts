// The PDU codec: our encoding read by the `smpp` package (an independent implementation) and its
// encoding read by ours, field by field, for every PDU Pigeon speaks; plus statuses and times.
import smpp from 'smpp';
import { describe, expect, it } from 'vitest';
import { buildConcatUdh, encodeGsm7, encodeUcs2 } from '../sms/index.js';
import { userDataOf } from './concat.js';
import { CommandId, isRetryableStatus, isThrottleStatus, SmppStatus, statusName, TLV } from './constants.js';
import { decodePdu } from './decode.js';
import { encodePdu } from './encode.js';
import { errorResponse, responseIdFor, type Pdu, type PduInput, type ShortMessagePdu } from './pdu.js';
import { relativeTime } from './time.js';
import { cstringTlv, tlvInt, tlvs, tlvString, u16Tlv, u8Tlv } from './tlv.js';
import { TokenBucket } from './token-bucket.js';

function decodeShort(buffer: Buffer): ShortMessagePdu {
  const pdu = decodePdu(buffer);
  if (pdu.command !== 'submit_sm' && pdu.command !== 'deliver_sm') {
    throw new Error(`expected submit_sm or deliver_sm, got ${pdu.command}`);
  }
  return pdu;
}

describe('decoding PDUs encoded by the smpp package', () => {
  it('reads the fields and raw user data of a deliver_sm', () => {
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
    const parsed = decodeShort(pdu.toBuffer());
    expect(parsed).toMatchObject({
      command: 'deliver_sm',
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
    expect(userDataOf(parsed).equals(userData)).toBe(true);
    expect(tlvString(parsed.tlvs.get(TLV.receipted_message_id))).toBe('ABC');
    expect(tlvInt(parsed.tlvs.get(TLV.message_state))).toBe(2);
  });

  it('takes message_payload when short_message is empty, and refuses both when strict', () => {
    const pdu = new smpp.PDU('deliver_sm', {
      source_addr: '1',
      destination_addr: '2',
      data_coding: 0,
      short_message: Buffer.alloc(0),
      message_payload: Buffer.from('long payload'),
    });
    expect(userDataOf(decodeShort(pdu.toBuffer())).toString()).toBe('long payload');
    const both = encodePdu(
      {
        command: 'submit_sm',
        shortMessage: Buffer.from('a'),
        tlvs: tlvs([TLV.message_payload, Buffer.from('b')]),
      },
      1,
    );
    expect(userDataOf(decodeShort(both)).toString()).toBe('a');
    expect(() => userDataOf(decodeShort(both), true)).toThrow(RangeError);
  });

  it('throws on a truncated request body', () => {
    const raw = new smpp.PDU('deliver_sm', {
      source_addr: '1',
      destination_addr: '2',
      data_coding: 0,
    }).toBuffer();
    const cut = raw.subarray(0, 24);
    cut.writeUInt32BE(24, 0);
    expect(() => decodePdu(cut)).toThrow(RangeError);
    const overrun = Buffer.from(raw);
    overrun[overrun.length - 1] = 200; // sm_length far beyond the PDU
    expect(() => decodePdu(overrun)).toThrow(RangeError);
  });

  it('reads binds, a data_sm and query_sm, and responses with or without a body', () => {
    const bind = decodePdu(
      new smpp.PDU('bind_transceiver', {
        sequence_number: 3,
        system_id: 'acme',
        password: 'pw',
        system_type: 'VMA',
        interface_version: 0x34,
        addr_ton: 1,
        addr_npi: 1,
        address_range: '^44',
      }).toBuffer(),
    );
    expect(bind).toMatchObject({
      command: 'bind_transceiver',
      systemId: 'acme',
      password: 'pw',
      systemType: 'VMA',
      interfaceVersion: 0x34,
      addrTon: 1,
      addrNpi: 1,
      addressRange: '^44',
    });
    const data = decodePdu(
      new smpp.PDU('data_sm', {
        source_addr: 'Acme',
        dest_addr_ton: 1,
        destination_addr: '447912345678',
        registered_delivery: 1,
        data_coding: 0,
        message_payload: encodeGsm7('payload text'),
      }).toBuffer(),
    );
    expect(data).toMatchObject({ command: 'data_sm', source: 'Acme', destTon: 1, registeredDelivery: 1 });
    expect(data.command === 'data_sm' && userDataOf(data).equals(encodeGsm7('payload text'))).toBe(true);
    expect(
      decodePdu(new smpp.PDU('query_sm', { message_id: 'abc', source_addr: 'X' }).toBuffer()),
    ).toMatchObject({ command: 'query_sm', messageId: 'abc', source: 'X' });
    expect(
      decodePdu(new smpp.PDU('submit_sm_resp', { sequence_number: 9, message_id: '5EED' }).toBuffer()),
    ).toMatchObject({ command: 'submit_sm_resp', sequenceNumber: 9, messageId: '5EED', commandStatus: 0 });
    expect(
      decodePdu(
        new smpp.PDU('submit_sm_resp', {
          sequence_number: 9,
          command_status: SmppStatus.ESME_RTHROTTLED,
        }).toBuffer(),
      ),
    ).toMatchObject({ command: 'submit_sm_resp', messageId: '', commandStatus: SmppStatus.ESME_RTHROTTLED });
  });

  it('keeps an unknown command as `other` with its body', () => {
    const raw = new smpp.PDU('cancel_sm', { sequence_number: 4, message_id: '1' }).toBuffer();
    const pdu = decodePdu(raw);
    expect(pdu).toMatchObject({ command: 'other', commandId: CommandId.cancel_sm, sequenceNumber: 4 });
    expect(pdu.command === 'other' && pdu.body.length).toBe(raw.length - 16);
  });
});

/** Our encoding, decoded by the smpp package and by us. */
function both(input: PduInput, seq = 42): { theirs: smpp.PDU; ours: Pdu } {
  const buffer = encodePdu(input, seq);
  expect(buffer.readUInt32BE(0)).toBe(buffer.length);
  return { theirs: new smpp.PDU(buffer), ours: decodePdu(buffer) };
}

describe('encoding PDUs the smpp package reads', () => {
  it('writes a submit_sm with every mandatory field and TLVs', () => {
    const shortMessage = Buffer.concat([
      buildConcatUdh({ reference: 7, total: 3, sequence: 2 }),
      encodeGsm7('part'),
    ]);
    const input: PduInput = {
      command: 'submit_sm',
      serviceType: 'CMT',
      sourceTon: 5,
      sourceNpi: 0,
      source: 'Pigeon',
      destTon: 1,
      destNpi: 1,
      destination: '447912345678',
      esmClass: 0x40,
      protocolId: 0,
      priority: 1,
      scheduleDeliveryTime: '',
      validityPeriod: '000001000000000R',
      registeredDelivery: 1,
      replaceIfPresent: 0,
      dataCoding: 0,
      smDefaultMsgId: 0,
      shortMessage,
      tlvs: tlvs([TLV.sar_msg_ref_num, u16Tlv(513)], [TLV.receipted_message_id, cstringTlv('X1')]),
    };
    const { theirs, ours } = both(input);
    expect(theirs).toMatchObject({
      command: 'submit_sm',
      sequence_number: 42,
      service_type: 'CMT',
      source_addr_ton: 5,
      source_addr: 'Pigeon',
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: '447912345678',
      esm_class: 0x40,
      priority_flag: 1,
      registered_delivery: 1,
      sar_msg_ref_num: 513,
      receipted_message_id: 'X1',
    });
    const { command: _c, ...fields } = input;
    expect(ours).toMatchObject({ command: 'submit_sm', sequenceNumber: 42, ...fields });
  });

  it('writes deliver_sm, data_sm, binds and responses', () => {
    const deliver = both({
      command: 'deliver_sm',
      source: '447912345678',
      destination: 'Pigeon',
      esmClass: 0x04,
      shortMessage: encodeGsm7('id:1 stat:DELIVRD'),
      tlvs: tlvs([TLV.message_state, u8Tlv(2)]),
    });
    expect(deliver.theirs).toMatchObject({ command: 'deliver_sm', esm_class: 4, message_state: 2 });
    expect(deliver.ours).toMatchObject({ command: 'deliver_sm', esmClass: 4, source: '447912345678' });

    const data = both({ command: 'data_sm', source: 'A', destination: '1', dataCoding: 8 });
    expect(data.theirs).toMatchObject({ command: 'data_sm', source_addr: 'A', data_coding: 8 });

    const bind = both({ command: 'bind_receiver', systemId: 'sys', password: 'pw', interfaceVersion: 0x34 });
    expect(bind.theirs).toMatchObject({
      command: 'bind_receiver',
      system_id: 'sys',
      password: 'pw',
      interface_version: 0x34,
    });
    expect(bind.ours).toMatchObject({ command: 'bind_receiver', systemId: 'sys', password: 'pw' });

    for (const command of ['bind_transceiver_resp', 'bind_transmitter_resp'] as const) {
      expect(both({ command, systemId: 'SMSC' }).theirs).toMatchObject({ command, system_id: 'SMSC' });
    }
    expect(both({ command: 'submit_sm_resp', messageId: 'abc' }).theirs).toMatchObject({ message_id: 'abc' });
    expect(both({ command: 'deliver_sm_resp' }).ours).toMatchObject({
      command: 'deliver_sm_resp',
      messageId: '',
    });
    expect(
      both({ command: 'query_sm_resp', messageId: 'q', finalDate: '', messageState: 2, errorCode: 11 })
        .theirs,
    ).toMatchObject({ command: 'query_sm_resp', message_id: 'q', message_state: 2, error_code: 11 });
    for (const command of ['enquire_link', 'enquire_link_resp', 'unbind', 'unbind_resp'] as const) {
      const pair = both({ command });
      expect(pair.theirs.command).toBe(command);
      expect(pair.ours.command).toBe(command);
    }
    expect(both({ command: 'outbind', systemId: 'o', password: 'p' }).theirs).toMatchObject({
      system_id: 'o',
    });
  });

  it('sends error responses without a body, generic_nack for an unknown command', () => {
    const throttled = encodePdu({ command: 'submit_sm_resp', messageId: 'ignored', commandStatus: 0x58 }, 5);
    expect(throttled.length).toBe(16);
    expect(new smpp.PDU(throttled)).toMatchObject({ command: 'submit_sm_resp', command_status: 0x58 });
    const cancel = { commandId: CommandId.cancel_sm, commandStatus: 0, sequenceNumber: 8 };
    expect(responseIdFor(cancel.commandId)).toBe(CommandId.cancel_sm_resp);
    expect(decodePdu(encodePdu(errorResponse(cancel, SmppStatus.ESME_RINVCMDID), 8))).toMatchObject({
      commandId: CommandId.cancel_sm_resp,
      commandStatus: SmppStatus.ESME_RINVCMDID,
      sequenceNumber: 8,
    });
    expect(responseIdFor(0x00001234)).toBe(CommandId.generic_nack);
  });

  it('refuses a short_message over 254 octets', () => {
    expect(() => encodePdu({ command: 'submit_sm', shortMessage: Buffer.alloc(255) }, 1)).toThrow(RangeError);
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
