// SMSC simulator: an SMPP server (the `smpp` package's server) that behaves like a carrier for
// demo mode, tests and benchmarks. Binds with credentials, acks submit_sm with message ids,
// injects latency, errors and throttling, sends delivery receipts (text and TLVs) with a mix of
// outcomes, generates inbound (MO) messages, drops connections on request, and counts it all.
import type { AddressInfo } from 'node:net';
import smpp from 'smpp';
import {
  buildConcatUdh,
  DATA_CODING,
  decodeShortMessage,
  detectEncoding,
  encodeGsm7,
  encodeText,
  isGsm7,
  splitText,
  splitUserData,
  type SmsEncoding,
} from '../lib/sms/index.js';
import {
  ESM_CLASS_UDHI,
  ESM_TYPE_DELIVERY_RECEIPT,
  installRawReader,
  parseShortMessagePdu,
  pduString,
  rawOf,
  SmppStatus,
  TLV,
  tlvInt,
  type ShortMessagePdu,
} from '../delivery/connectors/smpp/protocol.js';
import { formatReceiptText, MESSAGE_STATE } from '../delivery/connectors/smpp/receipt.js';
import { TokenBucket } from '../delivery/connectors/smpp/token-bucket.js';
import type { ReceiptStatus } from '../delivery/connectors/types.js';

export type ReceiptOutcome = 'DELIVRD' | 'UNDELIV' | 'EXPIRED' | 'REJECTD';

const OUTCOME_STATUS: Readonly<Record<ReceiptOutcome, ReceiptStatus>> = {
  DELIVRD: 'delivered',
  UNDELIV: 'undelivered',
  EXPIRED: 'expired',
  REJECTD: 'rejected',
};

const OUTCOME_ERROR: Readonly<Record<ReceiptOutcome, number>> = {
  DELIVRD: 0,
  UNDELIV: 1,
  EXPIRED: 0,
  REJECTD: 11,
};

export interface SmscSimulatorOptions {
  host?: string;
  systemId?: string;
  password?: string;
  /** How submit_sm_resp writes message ids (default hex). */
  messageIdFormat?: 'hex' | 'decimal';
  /** How receipts write them: like the submit_sm_resp (default), or the other base. */
  receiptIdFormat?: 'same' | 'hex' | 'decimal';
  /** Left-pad receipt ids with zeros to this width (some carriers do). */
  receiptIdPadding?: number;
  /** Delay before each submit_sm_resp. */
  latencyMs?: number;
  /** Share of submits answered with `errorStatus` (0–1). */
  errorRate?: number;
  errorStatus?: number;
  /** Share of submits answered with ESME_RTHROTTLED (0–1). */
  throttleRate?: number;
  /** Submits per second above which ESME_RTHROTTLED is answered. */
  maxTps?: number;
  /** Delay between accepting a part and sending its receipt. */
  receiptDelayMs?: number;
  /** Relative weights of receipt outcomes (default all DELIVRD). */
  outcomes?: Partial<Record<ReceiptOutcome, number>>;
  /** No latency and immediate receipts, for benchmarks. */
  instant?: boolean;
  /** Random source in [0, 1), for repeatable error/throttle/outcome choices. */
  random?: () => number;
  /** Accepted parts kept for inspection (default 10 000; counters keep counting). */
  maxStored?: number;
}

export interface SmscCounters {
  connections: number;
  binds: number;
  bindFailures: number;
  /** submit_sm PDUs received, resubmissions and refused ones included. */
  submits: number;
  partsAccepted: number;
  /** Distinct messages: a long message counts once however often its parts are resent. */
  uniqueMessages: number;
  throttled: number;
  errors: number;
  receiptsSent: number;
  receiptsAcknowledged: number;
  moPartsSent: number;
  moPartsAcknowledged: number;
  enquireLinks: number;
  drops: number;
  /** Most submit_sm that one session had waiting for their response at once. */
  maxOutstanding: number;
}

export interface ReceivedPart {
  messageId: string;
  systemId: string;
  from: string;
  to: string;
  dataCoding: number;
  registeredDelivery: number;
  /** This part's text, decoded. */
  text: string;
  concat?: { reference: number; total: number; sequence: number };
  receivedAt: Date;
}

export interface ReceivedMessage {
  from: string;
  to: string;
  /** The parts received so far, joined in order. */
  text: string;
  parts: number;
  partsReceived: number;
  messageIds: string[];
  isComplete: boolean;
}

export interface InjectMoOptions {
  from: string;
  to: string;
  text: string;
  /** The bound system_id to deliver to (default the simulator's). */
  systemId?: string;
  encoding?: SmsEncoding;
  referenceBits?: 8 | 16;
  /** Send order of the parts (0-based indexes) or 'reverse'; default in order. */
  partOrder?: number[] | 'reverse';
}

interface SessionState {
  session: smpp.Session;
  bound: boolean;
  mode: 'transceiver' | 'transmitter' | 'receiver' | null;
  systemId: string;
  outstanding: number;
  deliveries: Map<number, Delivery>;
}

interface Delivery {
  systemId: string;
  kind: 'receipt' | 'mo';
  fields: smpp.PduFields;
  onAck?: () => void;
}

interface StoredMessage extends ReceivedMessage {
  partTexts: (string | undefined)[];
}

const DEFAULT_SYSTEM_ID = 'pigeon';
const DEFAULT_PASSWORD = 'secret';

export class SmscSimulator {
  readonly counters: SmscCounters = {
    connections: 0,
    binds: 0,
    bindFailures: 0,
    submits: 0,
    partsAccepted: 0,
    uniqueMessages: 0,
    throttled: 0,
    errors: 0,
    receiptsSent: 0,
    receiptsAcknowledged: 0,
    moPartsSent: 0,
    moPartsAcknowledged: 0,
    enquireLinks: 0,
    drops: 0,
    maxOutstanding: 0,
  };

  private options: SmscSimulatorOptions;
  private server: smpp.Server | null = null;
  private readonly sessions = new Set<SessionState>();
  private readonly waiting = new Map<string, Delivery[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly parts: ReceivedPart[] = [];
  private readonly messageStore = new Map<string, StoredMessage>();
  private nextId = 0x5eed0000;
  private nextReference = 1;
  private bucket: TokenBucket | null = null;
  private actualPort = 0;

  constructor(options: SmscSimulatorOptions = {}) {
    this.options = { ...options };
    this.configureBucket();
  }

  get port(): number {
    return this.actualPort;
  }

  /** Sessions currently bound. */
  get boundSessions(): number {
    return [...this.sessions].filter((s) => s.bound).length;
  }

  /** Changes behaviour while running (latency, rates, outcomes…). */
  configure(options: Partial<SmscSimulatorOptions>): void {
    this.options = { ...this.options, ...options };
    this.configureBucket();
  }

  async start(options: { port?: number } = {}): Promise<number> {
    const server = smpp.createServer({}, (session) => this.accept(session));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, this.options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.actualPort = (server.address() as AddressInfo).port;
    return this.actualPort;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) {
      clearTimeout(timer);
    }
    this.timers.clear();
    const server = this.server;
    this.server = null;
    for (const state of this.sessions) {
      state.session.destroy();
    }
    if (server) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  /** Destroys every connection at once, as a network failure would. */
  dropConnections(): void {
    for (const state of this.sessions) {
      this.counters.drops++;
      state.session.destroy();
    }
  }

  /** Accepted parts, oldest first (at most `maxStored`). */
  received(): ReceivedPart[] {
    return [...this.parts];
  }

  /** Accepted messages with long ones reassembled, oldest first. */
  messages(): ReceivedMessage[] {
    return [...this.messageStore.values()].map(({ partTexts: _partTexts, ...message }) => message);
  }

  /**
   * Sends an inbound (MO) message to the bound ESME as deliver_sm, split into UDH parts when
   * long, in the order asked. Resolves when every part has been acknowledged; parts for an
   * ESME that is not bound wait for its bind.
   */
  async injectMo(mo: InjectMoOptions): Promise<void> {
    const encoding = mo.encoding ?? detectEncoding(mo.text);
    const referenceBits = mo.referenceBits ?? 8;
    const texts = splitText(mo.text, encoding, referenceBits);
    const reference = this.nextReference++ % (referenceBits === 8 ? 0x100 : 0x10000);
    const fields = texts.map((text, i): smpp.PduFields => {
      const payload = encodeText(text, encoding);
      const udh =
        texts.length > 1
          ? buildConcatUdh({ reference, total: texts.length, sequence: i + 1, referenceBits })
          : null;
      return {
        source_addr_ton: 1,
        source_addr_npi: 1,
        source_addr: mo.from.replace(/^\+/, ''),
        dest_addr_ton: 1,
        dest_addr_npi: 1,
        destination_addr: mo.to.replace(/^\+/, ''),
        esm_class: udh ? ESM_CLASS_UDHI : 0,
        data_coding: DATA_CODING[encoding],
        short_message: udh ? Buffer.concat([udh, payload]) : payload,
      };
    });
    const order =
      mo.partOrder === 'reverse'
        ? fields.map((_, i) => fields.length - 1 - i)
        : (mo.partOrder ?? fields.map((_, i) => i));
    const systemId = mo.systemId ?? this.systemId;
    await Promise.all(
      order.map(
        (i) =>
          new Promise<void>((resolve) => {
            const f = fields[i];
            if (!f) {
              throw new RangeError(`part ${i} does not exist`);
            }
            this.deliver({ systemId, kind: 'mo', fields: f, onAck: resolve });
          }),
      ),
    );
  }

  private get systemId(): string {
    return this.options.systemId ?? DEFAULT_SYSTEM_ID;
  }

  private configureBucket(): void {
    const tps = this.options.maxTps;
    this.bucket = tps && tps > 0 ? new TokenBucket(tps) : null;
  }

  private random(): number {
    return (this.options.random ?? Math.random)();
  }

  private later(ms: number, fn: () => void): void {
    if (ms <= 0 || this.options.instant) {
      fn();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private accept(session: smpp.Session): void {
    session.socket.setNoDelay(true);
    installRawReader(session);
    this.counters.connections++;
    const state: SessionState = {
      session,
      bound: false,
      mode: null,
      systemId: '',
      outstanding: 0,
      deliveries: new Map(),
    };
    this.sessions.add(state);
    session.on('error', () => undefined);
    session.on('close', () => {
      this.sessions.delete(state);
      // Unacknowledged receipts and MO parts wait for the next bind, as a carrier stores them.
      for (const delivery of state.deliveries.values()) {
        this.queueDelivery(delivery);
      }
      state.deliveries.clear();
    });
    session.on('pdu', (pdu: smpp.PDU) => this.handle(state, pdu));
  }

  private handle(state: SessionState, pdu: smpp.PDU): void {
    const { session } = state;
    switch (pdu.command) {
      case 'bind_transceiver':
      case 'bind_transmitter':
      case 'bind_receiver':
        this.handleBind(state, pdu);
        return;
      case 'enquire_link':
        this.counters.enquireLinks++;
        session.send(pdu.response());
        return;
      case 'unbind':
        session.send(pdu.response(), () => session.close());
        return;
      case 'submit_sm':
        this.handleSubmit(state, pdu);
        return;
      case 'deliver_sm_resp':
      case 'generic_nack':
        this.handleDeliveryResponse(state, pdu);
        return;
      default:
        if (!pdu.isResponse()) {
          session.send(pdu.response({ command_status: SmppStatus.ESME_RINVCMDID }));
        }
    }
  }

  private handleBind(state: SessionState, pdu: smpp.PDU): void {
    const { session } = state;
    if (state.bound) {
      session.send(pdu.response({ command_status: SmppStatus.ESME_RALYBND }));
      return;
    }
    const systemId = pduString(pdu.system_id);
    const password = pduString(pdu.password);
    if (systemId !== this.systemId || password !== (this.options.password ?? DEFAULT_PASSWORD)) {
      this.counters.bindFailures++;
      session.send(pdu.response({ command_status: SmppStatus.ESME_RBINDFAIL }), () => session.close());
      return;
    }
    this.counters.binds++;
    state.bound = true;
    state.systemId = systemId;
    state.mode = pdu.command.replace('bind_', '') as SessionState['mode'];
    session.send(pdu.response({ system_id: 'PIGEONSIM' }));
    if (state.mode !== 'transmitter') {
      this.flush(systemId);
    }
  }

  private handleSubmit(state: SessionState, pdu: smpp.PDU): void {
    const { session } = state;
    if (!state.bound || state.mode === 'receiver') {
      session.send(pdu.response({ command_status: SmppStatus.ESME_RINVBNDSTS }));
      return;
    }
    this.counters.submits++;
    state.outstanding++;
    this.counters.maxOutstanding = Math.max(this.counters.maxOutstanding, state.outstanding);
    let sm: ShortMessagePdu | null;
    const raw = rawOf(pdu);
    try {
      sm = raw ? parseShortMessagePdu(raw) : null;
    } catch {
      sm = null;
    }
    const respond = (fields: smpp.PduFields): void => {
      state.outstanding--;
      if (!session.socket.destroyed) {
        session.send(pdu.response(fields));
      }
    };
    const latency = this.options.instant ? 0 : (this.options.latencyMs ?? 0);
    if (!sm) {
      this.counters.errors++;
      this.later(latency, () => respond({ command_status: SmppStatus.ESME_RINVMSGLEN }));
      return;
    }
    const throttleRate = this.options.throttleRate ?? 0;
    if ((throttleRate > 0 && this.random() < throttleRate) || (this.bucket && !this.bucket.tryTake())) {
      this.counters.throttled++;
      this.later(latency, () => respond({ command_status: SmppStatus.ESME_RTHROTTLED }));
      return;
    }
    const errorRate = this.options.errorRate ?? 0;
    if (errorRate > 0 && this.random() < errorRate) {
      this.counters.errors++;
      this.later(latency, () =>
        respond({ command_status: this.options.errorStatus ?? SmppStatus.ESME_RSYSERR }),
      );
      return;
    }
    const accepted = sm;
    this.later(latency, () => {
      if (session.socket.destroyed) {
        state.outstanding--;
        return; // never acknowledged: the ESME must count it as lost
      }
      const id = this.nextId++;
      const messageId =
        this.options.messageIdFormat === 'decimal' ? id.toString(10) : id.toString(16).toUpperCase();
      respond({ message_id: messageId });
      const part = this.record(state.systemId, accepted, messageId);
      if ((accepted.registeredDelivery & 0x03) !== 0) {
        this.scheduleReceipt(part, accepted, id);
      }
    });
  }

  private record(systemId: string, sm: ShortMessagePdu, messageId: string): ReceivedPart {
    const { udh, payload } =
      sm.esmClass & ESM_CLASS_UDHI ? splitUserData(sm.userData) : { udh: null, payload: sm.userData };
    const sarTotal = tlvInt(sm.tlvs.get(TLV.sar_total_segments));
    const concat =
      udh?.concat ??
      (sarTotal !== undefined
        ? {
            referenceBits: 16 as const,
            reference: tlvInt(sm.tlvs.get(TLV.sar_msg_ref_num)) ?? 0,
            total: sarTotal,
            sequence: tlvInt(sm.tlvs.get(TLV.sar_segment_seqnum)) ?? 1,
          }
        : null);
    const part: ReceivedPart = {
      messageId,
      systemId,
      from: sm.source,
      to: sm.destination,
      dataCoding: sm.dataCoding,
      registeredDelivery: sm.registeredDelivery,
      text: decodeShortMessage(payload, sm.dataCoding),
      receivedAt: new Date(),
    };
    if (concat && concat.total > 1) {
      part.concat = { reference: concat.reference, total: concat.total, sequence: concat.sequence };
    }
    this.counters.partsAccepted++;
    const max = this.options.maxStored ?? 10_000;
    this.parts.push(part);
    if (this.parts.length > max) {
      this.parts.splice(0, this.parts.length - max);
    }
    this.storeMessage(part, max);
    return part;
  }

  private storeMessage(part: ReceivedPart, max: number): void {
    const c = part.concat;
    let key = `single\u0000${part.messageId}`;
    let stored: StoredMessage | undefined;
    if (c) {
      key = [part.systemId, part.from, part.to, c.reference, c.total].join('\u0000');
      stored = this.messageStore.get(key);
      const seen = stored?.partTexts[c.sequence - 1];
      if (stored && seen !== undefined && seen !== part.text) {
        // The reference came round again for another message: the old one is finished.
        this.messageStore.delete(key);
        key = `${key}\u0000${part.messageId}`;
        stored = undefined;
      }
    }
    if (!stored) {
      stored = {
        from: part.from,
        to: part.to,
        text: '',
        parts: c?.total ?? 1,
        partsReceived: 0,
        messageIds: [],
        isComplete: false,
        partTexts: new Array<string | undefined>(c?.total ?? 1).fill(undefined),
      };
      this.messageStore.set(key, stored);
      this.counters.uniqueMessages++;
      if (this.messageStore.size > max) {
        const oldest = this.messageStore.keys().next().value;
        if (oldest !== undefined) {
          this.messageStore.delete(oldest);
        }
      }
    }
    const index = (c?.sequence ?? 1) - 1;
    if (stored.partTexts[index] === undefined) {
      stored.partsReceived++;
    }
    stored.partTexts[index] = part.text;
    stored.messageIds.push(part.messageId);
    stored.text = stored.partTexts.map((t) => t ?? '').join('');
    stored.isComplete = stored.partsReceived === stored.parts;
  }

  private pickOutcome(): ReceiptOutcome {
    const weights = Object.entries(this.options.outcomes ?? { DELIVRD: 1 }).filter(
      (e): e is [ReceiptOutcome, number] => typeof e[1] === 'number' && e[1] > 0,
    );
    const total = weights.reduce((sum, [, w]) => sum + w, 0);
    if (total <= 0) {
      return 'DELIVRD';
    }
    let roll = this.random() * total;
    for (const [outcome, weight] of weights) {
      roll -= weight;
      if (roll < 0) {
        return outcome;
      }
    }
    return weights[weights.length - 1]?.[0] ?? 'DELIVRD';
  }

  private receiptId(id: number, submitted: string): string {
    const format = this.options.receiptIdFormat ?? 'same';
    const base =
      format === 'same' ? submitted : format === 'decimal' ? id.toString(10) : id.toString(16).toUpperCase();
    return base.padStart(this.options.receiptIdPadding ?? 0, '0');
  }

  private scheduleReceipt(part: ReceivedPart, sm: ShortMessagePdu, id: number): void {
    const outcome = this.pickOutcome();
    if (outcome === 'DELIVRD' && (sm.registeredDelivery & 0x03) === 0x02) {
      return; // registered_delivery 2: receipts on failure only
    }
    const delay = this.options.instant ? 0 : (this.options.receiptDelayMs ?? 0);
    this.later(delay, () => {
      const status = OUTCOME_STATUS[outcome];
      const receiptId = this.receiptId(id, part.messageId);
      const now = new Date();
      const snippet = [...part.text].filter((ch) => /[A-Za-z0-9 .,!?-]/.test(ch)).join('');
      const text = formatReceiptText({
        id: receiptId,
        status,
        submitDate: part.receivedAt,
        doneDate: now,
        err: String(OUTCOME_ERROR[outcome]).padStart(3, '0'),
        text: snippet,
      });
      const fields: smpp.PduFields = {
        source_addr_ton: sm.destTon,
        source_addr_npi: sm.destNpi,
        source_addr: sm.destination,
        dest_addr_ton: sm.sourceTon,
        dest_addr_npi: sm.sourceNpi,
        destination_addr: sm.source,
        esm_class: ESM_TYPE_DELIVERY_RECEIPT,
        data_coding: 0,
        short_message: isGsm7(text) ? encodeGsm7(text) : Buffer.from(text, 'latin1'),
        receipted_message_id: receiptId,
        message_state: MESSAGE_STATE[status],
      };
      if (outcome !== 'DELIVRD' && OUTCOME_ERROR[outcome] > 0) {
        fields.network_error_code = Buffer.from([3, 0, OUTCOME_ERROR[outcome]]);
      }
      this.deliver({ systemId: part.systemId, kind: 'receipt', fields });
    });
  }

  private deliver(delivery: Delivery): void {
    this.queueDelivery(delivery);
    this.flush(delivery.systemId);
  }

  private queueDelivery(delivery: Delivery): void {
    const queue = this.waiting.get(delivery.systemId) ?? [];
    queue.push(delivery);
    this.waiting.set(delivery.systemId, queue);
  }

  private flush(systemId: string): void {
    const queue = this.waiting.get(systemId);
    if (!queue || queue.length === 0 || !this.server) {
      return;
    }
    const receivers = [...this.sessions].filter(
      (s) => s.bound && s.systemId === systemId && s.mode !== 'transmitter' && !s.session.socket.destroyed,
    );
    if (receivers.length === 0) {
      return;
    }
    let turn = 0;
    while (queue.length > 0) {
      const delivery = queue.shift();
      const state = receivers[turn++ % receivers.length];
      if (!delivery || !state) {
        break;
      }
      const pdu = new smpp.PDU('deliver_sm', delivery.fields);
      if (!state.session.send(pdu)) {
        queue.unshift(delivery);
        break;
      }
      state.deliveries.set(pdu.sequence_number, delivery);
      if (delivery.kind === 'receipt') {
        this.counters.receiptsSent++;
      } else {
        this.counters.moPartsSent++;
      }
    }
  }

  private handleDeliveryResponse(state: SessionState, pdu: smpp.PDU): void {
    const delivery = state.deliveries.get(pdu.sequence_number);
    if (!delivery) {
      return;
    }
    state.deliveries.delete(pdu.sequence_number);
    if (pdu.command_status !== SmppStatus.ESME_ROK) {
      // The ESME could not take it now: offer it again a little later (a real timer even in
      // instant mode, so a refusing ESME does not spin).
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.deliver(delivery);
      }, 50);
      this.timers.add(timer);
      return;
    }
    if (delivery.kind === 'receipt') {
      this.counters.receiptsAcknowledged++;
    } else {
      this.counters.moPartsAcknowledged++;
    }
    delivery.onAck?.();
  }
}
