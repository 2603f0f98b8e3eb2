// SMSC simulator: an SMPP server (Pigeon's own codec and session, lib/smpp) that behaves like a
// carrier for demo mode, tests and benchmarks. Binds with credentials, acks submit_sm with
// message ids, answers with the carrier weather of smsc-faults.ts (latency, throttling by share,
// bursts or TPS, queue full, errors, receipts before the answer), sends delivery receipts with a
// mix of outcomes (smsc-receipts.ts), keeps unacknowledged ones for the next bind, generates
// inbound (MO) messages, drops connections on request or on a schedule, and counts it all.
import type net from 'node:net';
import {
  concatenatedShortMessages,
  concatOf,
  SmppListener,
  SmppSession,
  SmppStatus,
  isResponseId,
  userDataOf,
  type BindPdu,
  type Pdu,
  type PduHeader,
  type PduInput,
  type ShortMessagePdu,
} from '../lib/smpp/index.js';
import {
  DATA_CODING,
  decodeShortMessage,
  detectEncoding,
  splitText,
  type SmsEncoding,
} from '../lib/sms/index.js';
import { SmscFaults, type SmscFaultOptions } from './smsc-faults.js';
import { SmscDeliveries, type Delivery } from './smsc-deliveries.js';
import {
  pickOutcome,
  receiptFor,
  receiptIdOf,
  type ReceiptIdOptions,
  type ReceiptOutcome,
} from './smsc-receipts.js';
import { SmscStore, type CountingOptions, type ReceivedMessage, type ReceivedPart } from './smsc-store.js';

export type { ReceiptOutcome } from './smsc-receipts.js';
export type { CountingOptions, ReceivedMessage, ReceivedPart } from './smsc-store.js';

export interface SmscSimulatorOptions extends SmscFaultOptions, ReceiptIdOptions {
  host?: string;
  systemId?: string;
  password?: string;
  /** How submit_sm_resp writes message ids (default hex). */
  messageIdFormat?: 'hex' | 'decimal';
  /** Delay between accepting a part and sending its receipt. */
  receiptDelayMs?: number;
  /** Relative weights of receipt outcomes (default all DELIVRD). */
  outcomes?: Partial<Record<ReceiptOutcome, number>>;
  /** Drops every connection every this many milliseconds (from start). */
  dropEveryMs?: number;
  /**
   * Drops a connection when it has sent this many submits since its bind: the last one is taken
   * (recorded, its receipt comes) but never answered, the worst case for a client.
   */
  dropAfterSubmits?: number;
  /**
   * A receipt or MO the ESME answers with a temporary error is offered again after
   * `reofferDelayMs` (default 50 ms), or with this set only after the ESME binds again.
   * Permanent errors drop it. Unanswered ones always come again after a reconnect.
   */
  reofferAfterRebind?: boolean;
  reofferDelayMs?: number;
  /** Counting mode: accepted submits per key and their order per destination (tests). */
  counting?: boolean | CountingOptions;
  /** Random source in [0, 1), for repeatable fault and outcome choices. */
  random?: () => number;
  /** Clock for bursts (default performance.now). */
  now?: () => number;
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
  queueFull: number;
  errors: number;
  /** Submits taken but never answered (dropAfterSubmits, or the connection went first). */
  unanswered: number;
  /** Counting mode: accepted submits whose key had been accepted before. */
  duplicateSubmits: number;
  receiptsSent: number;
  /** Receipts sent before the submit_sm_resp of their message. */
  receiptsEarly: number;
  receiptsAcknowledged: number;
  /** deliver_sm (receipt or MO) answered with an error status. */
  deliveriesRefused: number;
  /** deliver_sm offered again after a refusal or a lost connection. */
  deliveriesReoffered: number;
  /** deliver_sm_resp matching no deliver_sm awaiting an answer (a client bug). */
  deliveryResponsesUnmatched: number;
  moPartsSent: number;
  moPartsAcknowledged: number;
  enquireLinks: number;
  drops: number;
  /** Most submit_sm that one session had waiting for their response at once. */
  maxOutstanding: number;
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
  session: SmppSession;
  bound: boolean;
  mode: 'transceiver' | 'transmitter' | 'receiver' | null;
  systemId: string;
  outstanding: number;
  submitsSinceBind: number;
  deliveries: Map<number, Delivery>;
}

const BIND_MODES = {
  bind_transceiver: 'transceiver',
  bind_transmitter: 'transmitter',
  bind_receiver: 'receiver',
} as const;

const DEFAULT_SYSTEM_ID = 'pigeon';
const DEFAULT_PASSWORD = 'secret';

function newCounters(): SmscCounters {
  return {
    connections: 0,
    binds: 0,
    bindFailures: 0,
    submits: 0,
    partsAccepted: 0,
    uniqueMessages: 0,
    throttled: 0,
    queueFull: 0,
    errors: 0,
    unanswered: 0,
    duplicateSubmits: 0,
    receiptsSent: 0,
    receiptsEarly: 0,
    receiptsAcknowledged: 0,
    deliveriesRefused: 0,
    deliveriesReoffered: 0,
    deliveryResponsesUnmatched: 0,
    moPartsSent: 0,
    moPartsAcknowledged: 0,
    enquireLinks: 0,
    drops: 0,
    maxOutstanding: 0,
  };
}

export class SmscSimulator {
  readonly counters: SmscCounters = newCounters();

  private options: SmscSimulatorOptions;
  private readonly faults: SmscFaults;
  private readonly store: SmscStore;
  private listener: SmppListener | null = null;
  private readonly sessions = new Set<SessionState>();
  private readonly deliveries: SmscDeliveries;
  private readonly timers = new Set<NodeJS.Timeout>();
  private dropTimer: NodeJS.Timeout | null = null;
  private nextId = 0x5eed0000;
  private nextReference = 1;

  constructor(options: SmscSimulatorOptions = {}) {
    this.options = { ...options };
    this.faults = new SmscFaults(this.options, () => this.random(), options.now ?? (() => performance.now()));
    const counting = options.counting === true ? {} : options.counting || null;
    this.store = new SmscStore(options.maxStored ?? 10_000, counting);
    this.deliveries = new SmscDeliveries(
      this.counters,
      () => this.options,
      (systemId) =>
        this.listener
          ? [...this.sessions].filter(
              (s) => s.bound && s.systemId === systemId && s.mode !== 'transmitter' && !s.session.closed,
            )
          : [],
    );
  }

  get port(): number {
    return this.listener?.port ?? 0;
  }

  /** Sessions currently bound. */
  get boundSessions(): number {
    return [...this.sessions].filter((s) => s.bound).length;
  }

  /** Changes behaviour while running (latency, rates, outcomes, faults…). */
  configure(options: Partial<SmscSimulatorOptions>): void {
    const dropEvery = this.options.dropEveryMs;
    this.options = { ...this.options, ...options };
    this.faults.configure(this.options);
    if (this.listener && this.options.dropEveryMs !== dropEvery) {
      this.scheduleDrops();
    }
  }

  async start(options: { port?: number } = {}): Promise<number> {
    this.listener = await SmppListener.listen(
      { port: options.port ?? 0, host: this.options.host ?? '127.0.0.1' },
      (socket) => this.accept(socket),
    );
    this.faults.restartClock();
    this.scheduleDrops();
    return this.listener.port;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) {
      clearTimeout(timer);
    }
    this.timers.clear();
    this.deliveries.stop();
    if (this.dropTimer) {
      clearInterval(this.dropTimer);
      this.dropTimer = null;
    }
    const listener = this.listener;
    this.listener = null;
    for (const state of this.sessions) {
      state.session.destroy();
    }
    await listener?.close();
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
    return this.store.received();
  }

  /** Accepted messages with long ones reassembled, oldest first. */
  messages(): ReceivedMessage[] {
    return this.store.messages();
  }

  /**
   * Receipts and MO parts for a system_id (default the simulator's) not taken yet: waiting for
   * a receiver bind, and refused ones held for the next bind (reofferAfterRebind).
   */
  deliveryBacklog(systemId = this.systemId): { waiting: number; heldForRebind: number } {
    return this.deliveries.backlog(systemId);
  }

  /** Counting mode: accepted submits per counting key; a count above 1 is a duplicate. */
  submitCounts(): Map<string, number> {
    return this.store.submitCounts();
  }

  /** Counting mode: per destination, the counting keys of accepted submits in arrival order. */
  submitOrder(): Map<string, string[]> {
    return this.store.submitOrder();
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
    const parts = concatenatedShortMessages(texts, encoding, this.nextReference++, referenceBits);
    const pdus = parts.map(({ esmClass, shortMessage }): PduInput => ({
      command: 'deliver_sm',
      sourceTon: 1,
      sourceNpi: 1,
      source: mo.from.replace(/^\+/, ''),
      destTon: 1,
      destNpi: 1,
      destination: mo.to.replace(/^\+/, ''),
      esmClass,
      dataCoding: DATA_CODING[encoding],
      shortMessage,
    }));
    const order =
      mo.partOrder === 'reverse'
        ? pdus.map((_, i) => pdus.length - 1 - i)
        : (mo.partOrder ?? pdus.map((_, i) => i));
    const systemId = mo.systemId ?? this.systemId;
    await Promise.all(
      order.map(
        (i) =>
          new Promise<void>((resolve) => {
            const pdu = pdus[i];
            if (!pdu) {
              throw new RangeError(`part ${i} does not exist`);
            }
            this.deliveries.deliver({ systemId, kind: 'mo', pdu, offered: false, onAck: resolve });
          }),
      ),
    );
  }

  private get systemId(): string {
    return this.options.systemId ?? DEFAULT_SYSTEM_ID;
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

  private scheduleDrops(): void {
    if (this.dropTimer) {
      clearInterval(this.dropTimer);
      this.dropTimer = null;
    }
    const every = this.options.dropEveryMs ?? 0;
    if (every > 0) {
      this.dropTimer = setInterval(() => this.dropConnections(), every);
      this.dropTimer.unref();
    }
  }

  private accept(socket: net.Socket): void {
    this.counters.connections++;
    const state: SessionState = {
      // The handlers run on socket events, after `state` is initialised.
      session: new SmppSession(socket, {
        onPdu: (pdu) => this.handle(state, pdu),
        onMalformed: (header) => this.handleMalformed(state, header),
        onClose: () => this.handleClose(state),
      }),
      bound: false,
      mode: null,
      systemId: '',
      outstanding: 0,
      submitsSinceBind: 0,
      deliveries: new Map(),
    };
    this.sessions.add(state);
  }

  private handleClose(state: SessionState): void {
    this.sessions.delete(state);
    this.deliveries.onClose(state);
  }

  private handle(state: SessionState, pdu: Pdu): void {
    const { session } = state;
    switch (pdu.command) {
      case 'bind_transceiver':
      case 'bind_transmitter':
      case 'bind_receiver':
        this.handleBind(state, pdu);
        return;
      case 'enquire_link':
        this.counters.enquireLinks++;
        session.respond(pdu, { command: 'enquire_link_resp' });
        return;
      case 'unbind':
        session.respond(pdu, { command: 'unbind_resp' });
        session.end();
        return;
      case 'submit_sm':
        this.handleSubmit(state, pdu);
        return;
      case 'deliver_sm_resp':
      case 'generic_nack':
        this.deliveries.onResponse(state, pdu);
        return;
      // Not served by the simulator: requests get ESME_RINVCMDID, stray responses are ignored.
      case 'data_sm':
      case 'deliver_sm':
      case 'query_sm':
      case 'outbind':
      case 'other':
      case 'bind_transceiver_resp':
      case 'bind_transmitter_resp':
      case 'bind_receiver_resp':
      case 'submit_sm_resp':
      case 'data_sm_resp':
      case 'query_sm_resp':
      case 'enquire_link_resp':
      case 'unbind_resp':
        if (!isResponseId(pdu.commandId)) {
          session.respondError(pdu, SmppStatus.ESME_RINVCMDID);
        }
    }
  }

  private handleBind(state: SessionState, pdu: BindPdu): void {
    const { session } = state;
    const resp = `${pdu.command}_resp` as const;
    if (state.bound) {
      session.respond(pdu, { command: resp, commandStatus: SmppStatus.ESME_RALYBND });
      return;
    }
    if (pdu.systemId !== this.systemId || pdu.password !== (this.options.password ?? DEFAULT_PASSWORD)) {
      this.counters.bindFailures++;
      session.respond(pdu, { command: resp, commandStatus: SmppStatus.ESME_RBINDFAIL });
      session.end();
      return;
    }
    this.counters.binds++;
    state.bound = true;
    state.systemId = pdu.systemId;
    state.mode = BIND_MODES[pdu.command];
    state.submitsSinceBind = 0;
    session.respond(pdu, { command: resp, systemId: 'PIGEONSIM' });
    if (state.mode !== 'transmitter') {
      this.deliveries.onBind(pdu.systemId);
    }
  }

  private handleMalformed(state: SessionState, header: PduHeader): void {
    if (header.commandId !== 0x00000004) {
      state.session.respond(header, { command: 'generic_nack', commandStatus: SmppStatus.ESME_RINVCMDLEN });
      return;
    }
    this.counters.submits++;
    this.counters.errors++;
    state.outstanding++;
    this.later(this.faults.answerDelayMs(), () => {
      state.outstanding--;
      state.session.respond(header, { command: 'submit_sm_resp', commandStatus: SmppStatus.ESME_RINVMSGLEN });
    });
  }

  private handleSubmit(state: SessionState, sm: ShortMessagePdu): void {
    const { session } = state;
    if (!state.bound || state.mode === 'receiver') {
      session.respond(sm, { command: 'submit_sm_resp', commandStatus: SmppStatus.ESME_RINVBNDSTS });
      return;
    }
    this.counters.submits++;
    state.outstanding++;
    state.submitsSinceBind++;
    this.counters.maxOutstanding = Math.max(this.counters.maxOutstanding, state.outstanding);
    const dropAfter = this.options.dropAfterSubmits ?? 0;
    if (dropAfter > 0 && state.submitsSinceBind >= dropAfter) {
      // Taken, never answered: the client cannot know whether the carrier has it.
      this.take(state, sm, false);
      this.counters.unanswered++;
      this.counters.drops++;
      session.destroy();
      return;
    }
    const verdict = this.faults.verdict();
    const delay = this.faults.answerDelayMs();
    const respond = (input: PduInput): void => {
      state.outstanding--;
      session.respond(sm, input);
    };
    if (verdict !== 'accept') {
      if (verdict === 'throttled') {
        this.counters.throttled++;
      } else if (verdict === 'queueFull') {
        this.counters.queueFull++;
      } else {
        this.counters.errors++;
      }
      const status = this.faults.statusOf(verdict);
      this.later(delay, () => respond({ command: 'submit_sm_resp', commandStatus: status }));
      return;
    }
    if ((sm.registeredDelivery & 0x03) !== 0 && this.faults.receiptFirst()) {
      const messageId = this.take(state, sm, true);
      this.later(delay, () => {
        if (session.closed) {
          this.counters.unanswered++;
        }
        respond({ command: 'submit_sm_resp', messageId });
      });
      return;
    }
    this.later(delay, () => {
      if (session.closed) {
        state.outstanding--;
        return; // never acknowledged: the ESME must count it as lost
      }
      respond({ command: 'submit_sm_resp', messageId: this.take(state, sm, false) });
    });
  }

  /** Records an accepted submit and schedules its receipt; `receiptNow` skips the delay. */
  private take(state: SessionState, sm: ShortMessagePdu, receiptNow: boolean): string {
    const id = this.nextId++;
    const messageId =
      this.options.messageIdFormat === 'decimal' ? id.toString(10) : id.toString(16).toUpperCase();
    const { payload, concat } = concatOf(sm, userDataOf(sm));
    const part: ReceivedPart = {
      messageId,
      systemId: state.systemId,
      from: sm.source,
      to: sm.destination,
      dataCoding: sm.dataCoding,
      registeredDelivery: sm.registeredDelivery,
      text: decodeShortMessage(payload, sm.dataCoding),
      receivedAt: new Date(),
    };
    if (concat) {
      part.concat = { reference: concat.reference, total: concat.total, sequence: concat.sequence };
    }
    this.counters.partsAccepted++;
    this.store.add(part);
    this.counters.uniqueMessages = this.store.uniqueMessages;
    this.counters.duplicateSubmits = this.store.duplicates;
    if ((sm.registeredDelivery & 0x03) !== 0) {
      this.scheduleReceipt(part, sm, id, receiptNow);
    }
    return messageId;
  }

  private scheduleReceipt(part: ReceivedPart, sm: ShortMessagePdu, id: number, now: boolean): void {
    const outcome = pickOutcome(this.options.outcomes, () => this.random());
    if (outcome === 'DELIVRD' && (sm.registeredDelivery & 0x03) === 0x02) {
      return; // registered_delivery 2: receipts on failure only
    }
    const send = (): void => {
      const receiptId = receiptIdOf(id, part.messageId, this.options);
      const pdu = receiptFor(sm, receiptId, outcome, part.text, part.receivedAt, new Date());
      this.deliveries.deliver({ systemId: part.systemId, kind: 'receipt', pdu, offered: false });
    };
    if (now) {
      this.counters.receiptsEarly++;
      send();
      return;
    }
    this.later(this.options.instant ? 0 : (this.options.receiptDelayMs ?? 0), send);
  }
}
