// A small ESME (the `smpp` package's client) for the SMPP server's tests: binds, submits and
// collects the deliver_sm it receives, decoded from their octets.
import smpp from 'smpp';
import { decodeShortMessage, splitUserData } from '../../lib/sms/index.js';
import {
  ESM_CLASS_UDHI,
  installRawReader,
  parseShortMessagePdu,
  rawOf,
  TLV,
  tlvInt,
  tlvString,
} from '../../delivery/connectors/smpp/protocol.js';

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

export class Esme {
  readonly delivered: ReceivedDeliverSm[] = [];
  /** When false, deliver_sm are left unanswered (window and resend tests). */
  autoAck = true;
  /** command_status of the deliver_sm_resp this ESME answers with (0 = taken). */
  ackStatus = 0;
  closed = false;

  private constructor(readonly session: smpp.Session) {
    session.on('error', () => undefined);
    session.on('close', () => {
      this.closed = true;
    });
    session.on('deliver_sm', (pdu: smpp.PDU) => {
      const raw = rawOf(pdu);
      if (!raw) {
        return;
      }
      const sm = parseShortMessagePdu(raw);
      const { payload } =
        sm.esmClass & ESM_CLASS_UDHI ? splitUserData(sm.userData) : { payload: sm.userData };
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
        session.send(pdu.response(this.ackStatus === 0 ? {} : { command_status: this.ackStatus }));
      }
    });
    session.on('unbind', (pdu: smpp.PDU) => {
      session.send(pdu.response(), () => session.close());
    });
  }

  /** With `tls`, connects over TLS and accepts any certificate (tests use a self-signed one). */
  static connect(port: number, host = '127.0.0.1', tls = false): Promise<Esme> {
    return new Promise((resolve, reject) => {
      // rejectUnauthorized is passed through to tls.connect; the package's types omit it.
      const options = (
        tls ? { host, port, tls, rejectUnauthorized: false } : { host, port }
      ) as smpp.SessionOptions;
      const session = smpp.connect(options, () => resolve(new Esme(session)));
      installRawReader(session);
      session.once('error', reject);
    });
  }

  request(command: string, fields: smpp.PduFields = {}): Promise<smpp.PDU> {
    return new Promise((resolve, reject) => {
      const sent = this.session.send(new smpp.PDU(command, fields), resolve);
      if (!sent) {
        reject(new Error('socket is not writable'));
      }
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
    return new Promise((resolve) => this.session.destroy(() => resolve()));
  }
}
