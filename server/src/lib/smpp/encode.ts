// Encoding PDUs: the length is computed first and the fields written into one buffer, so a
// submit_sm or deliver_sm costs one allocation (issue 22's fast path starts here).
import { isResponseId } from './constants.js';
import { commandIdOf, type PduInput, type ShortMessagePdu, type Tlvs } from './pdu.js';

const HEADER_LENGTH = 16;

type ShortMessageInput = PduInput & { command: ShortMessagePdu['command'] };

function cstringSize(value: string | undefined): number {
  return (value?.length ?? 0) + 1;
}

function writeCString(buffer: Buffer, offset: number, value: string | undefined): number {
  const s = value ?? '';
  const written = s.length === 0 ? 0 : buffer.write(s, offset, 'latin1');
  buffer[offset + written] = 0;
  return offset + written + 1;
}

function tlvsSize(tlvs: Tlvs | undefined): number {
  let size = 0;
  if (tlvs) {
    for (const value of tlvs.values()) {
      size += 4 + value.length;
    }
  }
  return size;
}

function writeTlvs(buffer: Buffer, offset: number, tlvs: Tlvs | undefined): number {
  if (!tlvs) {
    return offset;
  }
  let at = offset;
  for (const [tag, value] of tlvs) {
    if (value.length > 0xffff) {
      throw new RangeError(`TLV 0x${tag.toString(16)} is longer than 65535 octets`);
    }
    buffer.writeUInt16BE(tag, at);
    buffer.writeUInt16BE(value.length, at + 2);
    value.copy(buffer, at + 4);
    at += 4 + value.length;
  }
  return at;
}

function header(length: number, commandId: number, status: number, sequenceNumber: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  buffer.writeUInt32BE(length, 0);
  buffer.writeUInt32BE(commandId >>> 0, 4);
  buffer.writeUInt32BE(status >>> 0, 8);
  buffer.writeUInt32BE(sequenceNumber >>> 0, 12);
  return buffer;
}

/**
 * Encodes a PDU with the given sequence number. A response with a non-zero command_status is
 * sent without a body (SMPP 3.4 says the body "is not returned" then). Throws RangeError for a
 * short_message over 254 octets (use message_payload) or an oversized TLV.
 */
export function encodePdu(pdu: PduInput, sequenceNumber: number): Buffer {
  const commandId = commandIdOf(pdu);
  const status = pdu.commandStatus ?? 0;
  if ((status !== 0 && isResponseId(commandId)) || pdu.command === 'generic_nack') {
    return header(HEADER_LENGTH, commandId, status, sequenceNumber);
  }
  switch (pdu.command) {
    case 'bind_transmitter':
    case 'bind_receiver':
    case 'bind_transceiver': {
      const length =
        HEADER_LENGTH +
        cstringSize(pdu.systemId) +
        cstringSize(pdu.password) +
        cstringSize(pdu.systemType) +
        3 +
        cstringSize(pdu.addressRange);
      const b = header(length, commandId, status, sequenceNumber);
      let at = writeCString(b, HEADER_LENGTH, pdu.systemId);
      at = writeCString(b, at, pdu.password);
      at = writeCString(b, at, pdu.systemType);
      b[at++] = pdu.interfaceVersion ?? 0x34;
      b[at++] = pdu.addrTon ?? 0;
      b[at++] = pdu.addrNpi ?? 0;
      writeCString(b, at, pdu.addressRange);
      return b;
    }
    case 'bind_transmitter_resp':
    case 'bind_receiver_resp':
    case 'bind_transceiver_resp': {
      const length = HEADER_LENGTH + cstringSize(pdu.systemId) + tlvsSize(pdu.tlvs);
      const b = header(length, commandId, status, sequenceNumber);
      writeTlvs(b, writeCString(b, HEADER_LENGTH, pdu.systemId), pdu.tlvs);
      return b;
    }
    case 'outbind': {
      const length = HEADER_LENGTH + cstringSize(pdu.systemId) + cstringSize(pdu.password);
      const b = header(length, commandId, status, sequenceNumber);
      writeCString(b, writeCString(b, HEADER_LENGTH, pdu.systemId), pdu.password);
      return b;
    }
    case 'unbind':
    case 'unbind_resp':
    case 'enquire_link':
    case 'enquire_link_resp':
      return header(HEADER_LENGTH, commandId, status, sequenceNumber);
    case 'submit_sm':
    case 'deliver_sm':
      return encodeShortMessage(pdu, commandId, status, sequenceNumber);
    case 'data_sm': {
      const length =
        HEADER_LENGTH +
        cstringSize(pdu.serviceType) +
        2 +
        cstringSize(pdu.source) +
        2 +
        cstringSize(pdu.destination) +
        3 +
        tlvsSize(pdu.tlvs);
      const b = header(length, commandId, status, sequenceNumber);
      let at = writeCString(b, HEADER_LENGTH, pdu.serviceType);
      b[at++] = pdu.sourceTon ?? 0;
      b[at++] = pdu.sourceNpi ?? 0;
      at = writeCString(b, at, pdu.source);
      b[at++] = pdu.destTon ?? 0;
      b[at++] = pdu.destNpi ?? 0;
      at = writeCString(b, at, pdu.destination);
      b[at++] = pdu.esmClass ?? 0;
      b[at++] = pdu.registeredDelivery ?? 0;
      b[at++] = pdu.dataCoding ?? 0;
      writeTlvs(b, at, pdu.tlvs);
      return b;
    }
    case 'submit_sm_resp':
    case 'deliver_sm_resp':
    case 'data_sm_resp': {
      const length = HEADER_LENGTH + cstringSize(pdu.messageId) + tlvsSize(pdu.tlvs);
      const b = header(length, commandId, status, sequenceNumber);
      writeTlvs(b, writeCString(b, HEADER_LENGTH, pdu.messageId), pdu.tlvs);
      return b;
    }
    case 'query_sm': {
      const length = HEADER_LENGTH + cstringSize(pdu.messageId) + 2 + cstringSize(pdu.source);
      const b = header(length, commandId, status, sequenceNumber);
      let at = writeCString(b, HEADER_LENGTH, pdu.messageId);
      b[at++] = pdu.sourceTon ?? 0;
      b[at++] = pdu.sourceNpi ?? 0;
      writeCString(b, at, pdu.source);
      return b;
    }
    case 'query_sm_resp': {
      const length = HEADER_LENGTH + cstringSize(pdu.messageId) + cstringSize(pdu.finalDate) + 2;
      const b = header(length, commandId, status, sequenceNumber);
      let at = writeCString(b, HEADER_LENGTH, pdu.messageId);
      at = writeCString(b, at, pdu.finalDate);
      b[at++] = pdu.messageState ?? 0;
      b[at] = pdu.errorCode ?? 0;
      return b;
    }
    case 'other': {
      const body = pdu.body ?? Buffer.alloc(0);
      const b = header(HEADER_LENGTH + body.length, commandId, status, sequenceNumber);
      body.copy(b, HEADER_LENGTH);
      return b;
    }
  }
}

/** The hot path of a carrier connection: one allocation, fields written in place. */
function encodeShortMessage(
  pdu: ShortMessageInput,
  commandId: number,
  status: number,
  sequenceNumber: number,
): Buffer {
  const sm = pdu.shortMessage;
  const smLength = sm ? sm.length : 0;
  if (smLength > 254) {
    throw new RangeError(`short_message is ${smLength} octets; at most 254 (use message_payload)`);
  }
  const length =
    HEADER_LENGTH +
    cstringSize(pdu.serviceType) +
    2 +
    cstringSize(pdu.source) +
    2 +
    cstringSize(pdu.destination) +
    3 +
    cstringSize(pdu.scheduleDeliveryTime) +
    cstringSize(pdu.validityPeriod) +
    5 +
    smLength +
    tlvsSize(pdu.tlvs);
  const b = header(length, commandId, status, sequenceNumber);
  let at = writeCString(b, HEADER_LENGTH, pdu.serviceType);
  b[at++] = pdu.sourceTon ?? 0;
  b[at++] = pdu.sourceNpi ?? 0;
  at = writeCString(b, at, pdu.source);
  b[at++] = pdu.destTon ?? 0;
  b[at++] = pdu.destNpi ?? 0;
  at = writeCString(b, at, pdu.destination);
  b[at++] = pdu.esmClass ?? 0;
  b[at++] = pdu.protocolId ?? 0;
  b[at++] = pdu.priority ?? 0;
  at = writeCString(b, at, pdu.scheduleDeliveryTime);
  at = writeCString(b, at, pdu.validityPeriod);
  b[at++] = pdu.registeredDelivery ?? 0;
  b[at++] = pdu.replaceIfPresent ?? 0;
  b[at++] = pdu.dataCoding ?? 0;
  b[at++] = pdu.smDefaultMsgId ?? 0;
  b[at++] = smLength;
  if (sm && smLength > 0) {
    sm.copy(b, at);
    at += smLength;
  }
  writeTlvs(b, at, pdu.tlvs);
  return b;
}
