// SMPP 3.4 protocol pieces shared by the connector and the SMSC simulator: command status names
// and how a failure is classified, a raw reader that keeps every PDU's octets (the `smpp`
// package decodes short_message with its own charset guesses; we decode from the octets), and a
// parser for the body of submit_sm / deliver_sm.
import smpp from 'smpp';

/** Command status codes Pigeon acts on (SMPP 3.4 §5.1.3). */
export const SmppStatus = {
  ESME_ROK: 0x00,
  ESME_RINVMSGLEN: 0x01,
  ESME_RINVCMDLEN: 0x02,
  ESME_RINVCMDID: 0x03,
  ESME_RINVBNDSTS: 0x04,
  ESME_RALYBND: 0x05,
  ESME_RSYSERR: 0x08,
  ESME_RINVSRCADR: 0x0a,
  ESME_RINVDSTADR: 0x0b,
  ESME_RINVMSGID: 0x0c,
  ESME_RBINDFAIL: 0x0d,
  ESME_RINVPASWD: 0x0e,
  ESME_RINVSYSID: 0x0f,
  ESME_RMSGQFUL: 0x14,
  ESME_RINVESMCLASS: 0x43,
  ESME_RSUBMITFAIL: 0x45,
  ESME_RTHROTTLED: 0x58,
  ESME_RINVEXPIRY: 0x62,
  ESME_RX_T_APPN: 0x64,
  ESME_RX_P_APPN: 0x65,
  ESME_RX_R_APPN: 0x66,
  ESME_RDELIVERYFAILURE: 0xfe,
  ESME_RUNKNOWNERR: 0xff,
} as const;

const STATUS_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(smpp.errors).map(([name, code]) => [code, name] as const),
);

export function statusName(status: number): string {
  return STATUS_NAMES.get(status) ?? `SMPP_0x${status.toString(16).padStart(8, '0').toUpperCase()}`;
}

/** Statuses that mean "not now": the same submit can succeed later or elsewhere. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([
  SmppStatus.ESME_RSYSERR,
  SmppStatus.ESME_RMSGQFUL,
  SmppStatus.ESME_RTHROTTLED,
  SmppStatus.ESME_RSUBMITFAIL,
  SmppStatus.ESME_RX_T_APPN,
  SmppStatus.ESME_RDELIVERYFAILURE,
  SmppStatus.ESME_RUNKNOWNERR,
  SmppStatus.ESME_RINVBNDSTS,
]);

export function isRetryableStatus(status: number): boolean {
  // 0x400–0x4FF is reserved for SMSC vendor errors: unknown meaning, so not final.
  return RETRYABLE_STATUSES.has(status) || (status >= 0x400 && status <= 0x4ff);
}

/** Statuses after which the sender pauses and resubmits the same part. */
export function isThrottleStatus(status: number): boolean {
  return status === SmppStatus.ESME_RTHROTTLED || status === SmppStatus.ESME_RMSGQFUL;
}

export const ESM_CLASS_UDHI = 0x40;
/** Message type bits 2–5 of esm_class in a deliver_sm. */
export const ESM_TYPE_MASK = 0x3c;
export const ESM_TYPE_DELIVERY_RECEIPT = 0x04;
export const ESM_TYPE_INTERMEDIATE_NOTIFICATION = 0x20;

export const TLV = {
  receipted_message_id: 0x001e,
  sar_msg_ref_num: 0x020c,
  sar_total_segments: 0x020e,
  sar_segment_seqnum: 0x020f,
  network_error_code: 0x0423,
  message_payload: 0x0424,
  message_state: 0x0427,
} as const;

export interface ShortMessagePdu {
  commandId: number;
  sequenceNumber: number;
  serviceType: string;
  sourceTon: number;
  sourceNpi: number;
  source: string;
  destTon: number;
  destNpi: number;
  destination: string;
  esmClass: number;
  protocolId: number;
  priority: number;
  registeredDelivery: number;
  dataCoding: number;
  /** short_message octets as sent (a UDH included), or message_payload when that was used. */
  userData: Buffer;
  tlvs: Map<number, Buffer>;
}

/** Reads a PDU body's mandatory parameters (also used by the SMPP server's submit parser). */
export class Reader {
  offset: number;
  constructor(
    private readonly buffer: Buffer,
    start: number,
    private readonly end: number,
  ) {
    this.offset = start;
  }
  u8(): number {
    if (this.offset >= this.end) {
      throw new RangeError('PDU body is shorter than its mandatory parameters');
    }
    return this.buffer[this.offset++] ?? 0;
  }
  cstring(): string {
    const zero = this.buffer.indexOf(0, this.offset);
    if (zero < 0 || zero >= this.end) {
      throw new RangeError('unterminated C-octet string in PDU');
    }
    const value = this.buffer.toString('latin1', this.offset, zero);
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
}

/** Parses a submit_sm or deliver_sm (same layout in SMPP 3.4) from its octets. */
export function parseShortMessagePdu(raw: Buffer): ShortMessagePdu {
  const length = Math.min(raw.readUInt32BE(0), raw.length);
  const r = new Reader(raw, 16, length);
  const pdu: ShortMessagePdu = {
    commandId: raw.readUInt32BE(4),
    sequenceNumber: raw.readUInt32BE(12),
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
    registeredDelivery: 0,
    dataCoding: 0,
    userData: Buffer.alloc(0),
    tlvs: new Map(),
  };
  r.cstring(); // schedule_delivery_time
  r.cstring(); // validity_period
  pdu.registeredDelivery = r.u8();
  r.u8(); // replace_if_present_flag
  pdu.dataCoding = r.u8();
  r.u8(); // sm_default_msg_id
  pdu.userData = r.bytes(r.u8());
  while (r.offset + 4 <= length) {
    const tag = raw.readUInt16BE(r.offset);
    const tlvLength = raw.readUInt16BE(r.offset + 2);
    r.offset += 4;
    pdu.tlvs.set(tag, r.bytes(tlvLength));
  }
  const payload = pdu.tlvs.get(TLV.message_payload);
  if (pdu.userData.length === 0 && payload) {
    pdu.userData = payload;
  }
  return pdu;
}

/** A string field of a PDU decoded by the `smpp` package ('' when absent or not a string). */
export function pduString(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  return Buffer.isBuffer(value) ? value.toString('latin1') : '';
}

/** A C-octet-string TLV value without its terminating zero. */
export function tlvString(value: Buffer | undefined): string | undefined {
  if (!value) {
    return undefined;
  }
  const zero = value.indexOf(0);
  return value.toString('latin1', 0, zero < 0 ? value.length : zero);
}

export function tlvInt(value: Buffer | undefined): number | undefined {
  if (!value || value.length === 0) {
    return undefined;
  }
  return value.length === 1
    ? value.readUInt8(0)
    : value.length === 2
      ? value.readUInt16BE(0)
      : value.readUInt32BE(0);
}

const rawPdus = new WeakMap<smpp.PDU, Buffer>();

/** The octets a PDU arrived as, for PDUs read through {@link installRawReader}. */
export function rawOf(pdu: smpp.PDU): Buffer | undefined {
  return rawPdus.get(pdu);
}

interface SessionInternals {
  _callbacks?: Record<number, ((pdu: smpp.PDU) => void) | undefined>;
}

/**
 * Replaces the session's PDU reader with one that frames PDUs itself, keeps each PDU's octets
 * (see {@link rawOf}) and survives a PDU the package cannot decode (answered with generic_nack
 * instead of wedging the reader). Emits the same 'pdu' and per-command events as the package.
 */
export function installRawReader(session: smpp.Session): void {
  const socket = session.socket;
  socket.removeAllListeners('readable');
  let pending: Buffer | null = null;
  let busy = false;
  const read = (): void => {
    if (busy) {
      return;
    }
    busy = true;
    try {
      while (!session.paused) {
        if (!pending) {
          const head = socket.read(4) as Buffer | null;
          if (!head || head.length < 4) {
            break;
          }
          const length = head.readUInt32BE(0);
          if (length < 16 || length > smpp.PDU.maxLength) {
            session.emit('error', new Error(`invalid PDU length ${length}`));
            socket.destroy();
            return;
          }
          pending = head;
        }
        const length = pending.readUInt32BE(0);
        const rest = socket.read(length - 4) as Buffer | null;
        if (!rest || rest.length < length - 4) {
          break;
        }
        const raw = Buffer.concat([pending, rest]);
        pending = null;
        let pdu: smpp.PDU;
        try {
          pdu = new smpp.PDU(raw);
        } catch (err) {
          const nack = new smpp.PDU('generic_nack', {
            sequence_number: raw.readUInt32BE(12),
            command_status: SmppStatus.ESME_RINVCMDLEN,
          });
          session.send(nack);
          session.emit('error', err instanceof Error ? err : new Error(String(err)));
          continue;
        }
        rawPdus.set(pdu, raw);
        session.emit('pdu', pdu);
        session.emit(pdu.command, pdu);
        const callbacks = (session as unknown as SessionInternals)._callbacks;
        const callback = pdu.isResponse() ? callbacks?.[pdu.sequence_number] : undefined;
        if (callback && callbacks) {
          delete callbacks[pdu.sequence_number];
          callback(pdu);
        }
      }
    } finally {
      busy = false;
    }
  };
  socket.on('readable', read);
  // The package's resume() calls its own reader; point it at ours.
  (session as unknown as { _extractPDUs: () => void })._extractPDUs = read;
}

/** SMPP relative time (`YYMMDDhhmmss000R`) for a validity period in seconds. */
export function relativeTime(seconds: number): string {
  let rest = Math.min(Math.max(0, Math.floor(seconds)), 99 * 86400 + 86399);
  const days = Math.min(99, Math.floor(rest / 86400));
  rest -= days * 86400;
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  const secs = rest - minutes * 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  return `0000${two(days)}${two(hours)}${two(minutes)}${two(secs)}000R`;
}
