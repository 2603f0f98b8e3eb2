// A small ESME for the SMPP server's tests. Its requests are encoded and its responses decoded by
// the `smpp` npm package (an SMPP implementation independent of Pigeon's lib/smpp, through its
// public PDU API only), so the server is proven against a foreign codec; the deliver_sm it
// receives are read from their octets to check exactly what the server wrote.
import net from 'node:net';
import tls from 'node:tls';
import smpp from 'smpp';
import { decodeShortMessage, splitUserData } from '../../lib/sms/index.js';
import {
  decodePdu,
  ESM_CLASS_UDHI,
  PduFramer,
  TLV,
  tlvInt,
  tlvString,
  userDataOf,
} from '../../lib/smpp/index.js';

export interface ReceivedDeliverSm {
  esmClass: number;
  source: string;
  destination: string;
  dataCoding: number;
  text: string;
  receiptedMessageId?: string;
  messageState?: number;
  udh: boolean;
}

const DELIVER_SM = 0x00000005;
const UNBIND = 0x00000006;

export class Esme {
  readonly delivered: ReceivedDeliverSm[] = [];
  /** When false, deliver_sm are left unanswered (window and resend tests). */
  autoAck = true;
  /** command_status of the deliver_sm_resp this ESME answers with (0 = taken). */
  ackStatus = 0;
  closed = false;
  private sequence = 0;
  private readonly waiting = new Map<number, (pdu: smpp.PDU) => void>();
  private readonly framer = new PduFramer();

  private constructor(private readonly socket: net.Socket) {
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
    });
    socket.on('data', (chunk: Buffer) => {
      this.framer.push(chunk, (frame) => this.receive(Buffer.from(frame)));
    });
  }

  /** With `tls`, connects over TLS and accepts any certificate (tests use a self-signed one). */
  static connect(port: number, host = '127.0.0.1', useTls = false): Promise<Esme> {
    return new Promise((resolve, reject) => {
      const socket = useTls
        ? tls.connect({ port, host, rejectUnauthorized: false }, () => resolve(new Esme(socket)))
        : net.connect({ port, host }, () => resolve(new Esme(socket)));
      socket.once('error', reject);
    });
  }

  request(command: string, fields: smpp.PduFields = {}): Promise<smpp.PDU> {
    return new Promise((resolve, reject) => {
      if (!this.socket.writable) {
        reject(new Error('socket is not writable'));
        return;
      }
      this.sequence++;
      const pdu = new smpp.PDU(command, { ...fields, sequence_number: this.sequence });
      this.waiting.set(this.sequence, resolve);
      this.socket.write(pdu.toBuffer());
    });
  }

  async bind(
    systemId: string,
    password: string,
    mode: 'transceiver' | 'transmitter' | 'receiver' = 'transceiver',
  ): Promise<number> {
    const resp = await this.request(`bind_${mode}`, { system_id: systemId, password });
    return resp.command_status;
  }

  /** submit_sm with sensible defaults; resolves with the submit_sm_resp. */
  submit(fields: smpp.PduFields): Promise<smpp.PDU> {
    return this.request('submit_sm', {
      source_addr_ton: 5,
      source_addr_npi: 0,
      source_addr: 'Pigeon',
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      ...fields,
    });
  }

  close(): Promise<void> {
    if (this.closed) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.destroy();
    });
  }

  private receive(frame: Buffer): void {
    const commandId = frame.readUInt32BE(4);
    if (commandId === DELIVER_SM) {
      this.onDeliverSm(frame);
      return;
    }
    const pdu = new smpp.PDU(frame);
    if (commandId === UNBIND) {
      this.socket.end(pdu.response().toBuffer());
      return;
    }
    if (pdu.isResponse()) {
      const resolve = this.waiting.get(pdu.sequence_number);
      this.waiting.delete(pdu.sequence_number);
      resolve?.(pdu);
    }
  }

  private onDeliverSm(frame: Buffer): void {
    const sm = decodePdu(frame);
    if (sm.command !== 'deliver_sm') {
      return;
    }
    const userData = userDataOf(sm);
    const { payload } = sm.esmClass & ESM_CLASS_UDHI ? splitUserData(userData) : { payload: userData };
    const received: ReceivedDeliverSm = {
      esmClass: sm.esmClass,
      source: sm.source,
      destination: sm.destination,
      dataCoding: sm.dataCoding,
      text: decodeShortMessage(payload, sm.dataCoding),
      udh: (sm.esmClass & ESM_CLASS_UDHI) !== 0,
    };
    const id = tlvString(sm.tlvs.get(TLV.receipted_message_id));
    if (id !== undefined) {
      received.receiptedMessageId = id;
    }
    const state = tlvInt(sm.tlvs.get(TLV.message_state));
    if (state !== undefined) {
      received.messageState = state;
    }
    this.delivered.push(received);
    if (this.autoAck) {
      const resp = new smpp.PDU('deliver_sm_resp', {
        sequence_number: sm.sequenceNumber,
        ...(this.ackStatus === 0 ? {} : { command_status: this.ackStatus }),
      });
      this.socket.write(resp.toBuffer());
    }
  }
}
