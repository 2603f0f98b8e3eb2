// Decoding PDUs: a request whose body is shorter than its mandatory parameters, or a field that
// overruns the PDU, is a RangeError; a response body may be absent or short (SMSCs omit it on
// errors). Octet fields are copied out of the frame, so a frame can be a view of a socket chunk.
import { commandName, isResponseId } from './constants.js';
import { NO_TLVS, type Pdu, type PduHeader, type ShortMessagePdu, type Tlvs } from './pdu.js';

const HEADER_LENGTH = 16;
const EMPTY = Buffer.alloc(0);

/** Reads the body of one PDU; `lenient` (responses) gives defaults where a body stops early. */
class BodyReader {
  constructor(
    private readonly buffer: Buffer,
    public offset: number,
    private readonly end: number,
    private readonly lenient: boolean,
  ) {}

  get atEnd(): boolean {
    return this.offset >= this.end;
  }

  u8(): number {
    if (this.offset >= this.end) {
      if (this.lenient) {
        return 0;
      }
      throw new RangeError('PDU body is shorter than its mandatory parameters');
    }
    return this.buffer[this.offset++] ?? 0;
  }

  cstring(): string {
    if (this.offset >= this.end && this.lenient) {
      return '';
    }
    const zero = this.buffer.indexOf(0, this.offset);
    if (zero < 0 || zero >= this.end) {
      if (this.lenient) {
        // Some SMSCs leave the zero off the last field of a response.
        const value = this.buffer.toString('latin1', this.offset, this.end);
        this.offset = this.end;
        return value;
      }
      throw new RangeError('unterminated C-octet string in PDU');
    }
    const value = zero === this.offset ? '' : this.buffer.toString('latin1', this.offset, zero);
    this.offset = zero + 1;
    return value;
  }

  bytes(length: number): Buffer {
    if (this.offset + length > this.end) {
      throw new RangeError('PDU field overruns the PDU');
    }
    const value = Buffer.from(this.buffer.subarray(this.offset, this.offset + length));
    this.offset += length;
    return value;
  }

  tlvs(): Tlvs {
    if (this.offset + 4 > this.end) {
      return NO_TLVS;
    }
    const tlvs = new Map<number, Buffer>();
    while (this.offset + 4 <= this.end) {
      const tag = this.buffer.readUInt16BE(this.offset);
      const length = this.buffer.readUInt16BE(this.offset + 2);
      this.offset += 4;
      tlvs.set(tag, this.bytes(length));
    }
    return tlvs;
  }
}

/** The header of a framed PDU (16 octets or more). */
export function readHeader(frame: Buffer): PduHeader {
  return {
    commandId: frame.readUInt32BE(4),
    commandStatus: frame.readUInt32BE(8),
    sequenceNumber: frame.readUInt32BE(12),
  };
}

/**
 * Decodes one framed PDU (its command_length octets). Throws RangeError when a request's body
 * is shorter than its mandatory parameters or a field overruns the PDU; response bodies may
 * be absent or short.
 */
export function decodePdu(frame: Buffer): Pdu {
  if (frame.length < HEADER_LENGTH) {
    throw new RangeError(`a PDU has at least 16 octets, got ${frame.length}`);
  }
  const length = Math.min(frame.readUInt32BE(0), frame.length);
  // The header fields are written out in each literal below: an object spread followed by more
  // properties costs microseconds per PDU in V8 (Node 20), the whole budget of a fast path.
  const commandId = frame.readUInt32BE(4);
  const commandStatus = frame.readUInt32BE(8);
  const sequenceNumber = frame.readUInt32BE(12);
  const name = commandName(commandId);
  const r = new BodyReader(frame, HEADER_LENGTH, length, isResponseId(commandId));
  switch (name) {
    case 'bind_transmitter':
    case 'bind_receiver':
    case 'bind_transceiver':
      return {
        commandId,
        commandStatus,
        sequenceNumber,
        command: name,
        systemId: r.cstring(),
        password: r.cstring(),
        systemType: r.cstring(),
        interfaceVersion: r.u8(),
        addrTon: r.u8(),
        addrNpi: r.u8(),
        addressRange: r.cstring(),
      };
    case 'bind_transmitter_resp':
    case 'bind_receiver_resp':
    case 'bind_transceiver_resp':
      return {
        commandId,
        commandStatus,
        sequenceNumber,
        command: name,
        systemId: r.cstring(),
        tlvs: r.tlvs(),
      };
    case 'outbind':
      return {
        commandId,
        commandStatus,
        sequenceNumber,
        command: name,
        systemId: r.cstring(),
        password: r.cstring(),
      };
    case 'unbind':
    case 'unbind_resp':
    case 'enquire_link':
    case 'enquire_link_resp':
    case 'generic_nack':
      return { commandId, commandStatus, sequenceNumber, command: name };
    case 'submit_sm':
    case 'deliver_sm': {
      const pdu: ShortMessagePdu = {
        commandId,
        commandStatus,
        sequenceNumber,
        command: name,
        serviceType: r.cstring(),
        sourceTon: r.u8(),
        sourceNpi: r.u8(),
        source: r.cstring(),
        destTon: r.u8(),
        destNpi: r.u8(),
        destination: r.cstring(),
        esmClass: r.u8(),
        protocolId: r.u8(),
        priority: r.u8(),
        scheduleDeliveryTime: r.cstring(),
        validityPeriod: r.cstring(),
        registeredDelivery: r.u8(),
        replaceIfPresent: r.u8(),
        dataCoding: r.u8(),
        smDefaultMsgId: r.u8(),
        shortMessage: EMPTY,
        tlvs: NO_TLVS,
      };
      const smLength = r.u8();
      pdu.shortMessage = smLength === 0 ? EMPTY : r.bytes(smLength);
      pdu.tlvs = r.tlvs();
      return pdu;
    }
    case 'data_sm':
      return {
        commandId,
        commandStatus,
        sequenceNumber,
        command: name,
        serviceType: r.cstring(),
        sourceTon: r.u8(),
        sourceNpi: r.u8(),
        source: r.cstring(),
        destTon: r.u8(),
        destNpi: r.u8(),
        destination: r.cstring(),
        esmClass: r.u8(),
        registeredDelivery: r.u8(),
        dataCoding: r.u8(),
        tlvs: r.tlvs(),
      };
    case 'submit_sm_resp':
    case 'deliver_sm_resp':
    case 'data_sm_resp':
      return {
        commandId,
        commandStatus,
        sequenceNumber,
        command: name,
        messageId: r.cstring(),
        tlvs: r.tlvs(),
      };
    case 'query_sm':
      return {
        commandId,
        commandStatus,
        sequenceNumber,
        command: name,
        messageId: r.cstring(),
        sourceTon: r.u8(),
        sourceNpi: r.u8(),
        source: r.cstring(),
      };
    case 'query_sm_resp':
      return {
        commandId,
        commandStatus,
        sequenceNumber,
        command: name,
        messageId: r.cstring(),
        finalDate: r.cstring(),
        messageState: r.u8(),
        errorCode: r.u8(),
      };
    case 'cancel_sm':
    case 'cancel_sm_resp':
    case 'replace_sm':
    case 'replace_sm_resp':
    case 'submit_multi':
    case 'submit_multi_resp':
    case 'alert_notification':
    case undefined:
      return {
        commandId,
        commandStatus,
        sequenceNumber,
        command: 'other',
        body: Buffer.from(frame.subarray(HEADER_LENGTH, length)),
      };
  }
}
