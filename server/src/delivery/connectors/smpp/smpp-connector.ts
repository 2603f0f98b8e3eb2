// SMPP connector (ESME side). The `smpp` package gives the PDU codec and the socket; the rest
// is ours: binds and rebinds (link.ts), a window of outstanding submit_sm, a TPS limit counted in
// message parts, pausing and in-order resubmission on ESME_RTHROTTLED / ESME_RMSGQFUL, long
// messages as UDH-concatenated parts, receipts and inbound messages from deliver_sm.
import smpp from 'smpp';
import {
  buildConcatUdh,
  DATA_CODING,
  decodeShortMessage,
  describeText,
  encodeText,
  splitText,
  splitUserData,
  type ConcatReferenceBits,
} from '../../../lib/sms/index.js';
import {
  HandlerSet,
  type Connector,
  type DeliveryReceipt,
  type FailureKind,
  type InboundHandler,
  type InboundMessage,
  type OutboundMessage,
  type ProbeResult,
  type ReceiptHandler,
  type SmsOutbound,
  type SubmitResult,
} from '../types.js';
import { SmppBindError, SmppLink, type LinkBindMode, type LinkOptions } from './link.js';
import {
  ESM_CLASS_UDHI,
  ESM_TYPE_DELIVERY_RECEIPT,
  ESM_TYPE_INTERMEDIATE_NOTIFICATION,
  ESM_TYPE_MASK,
  isRetryableStatus,
  isThrottleStatus,
  parseShortMessagePdu,
  pduString,
  rawOf,
  relativeTime,
  SmppStatus,
  statusName,
  TLV,
  tlvInt,
  type ShortMessagePdu,
} from './protocol.js';
import { normalizeProviderMessageId, receiptFromDeliverSm, type MessageIdFormat } from './receipt.js';
import { InboundReassembler } from './reassembly.js';
import { TokenBucket } from './token-bucket.js';

export { SmppBindError } from './link.js';

export type SmppBindMode = LinkBindMode | 'transmitter+receiver';
export type SmppConnectorState = 'idle' | 'connecting' | 'bound' | 'reconnecting' | 'closed';

export interface SmppConnectorOptions {
  host: string;
  port: number;
  systemId: string;
  password: string;
  systemType?: string;
  /** One transceiver bind (default), a transmitter and/or a receiver bind. */
  bindMode?: SmppBindMode;
  /** interface_version in the bind (default 0x34, SMPP 3.4). */
  interfaceVersion?: number;
  addressRange?: string;
  /** Most submit_sm awaiting a response at once (default 10). */
  window?: number;
  /** Message parts per second; 0 or absent means no limit. */
  tps?: number;
  /** Parts that may go at once after an idle period (default a tenth of `tps`). */
  tpsBurst?: number;
  enquireLinkIntervalMs?: number;
  /** How long to wait for a response PDU before the submit counts as lost (default 10 s). */
  responseTimeoutMs?: number;
  /** TCP connect plus bind (default 10 s). */
  connectTimeoutMs?: number;
  reconnectInitialDelayMs?: number;
  reconnectMaxDelayMs?: number;
  /** First pause after a throttling answer; doubles while they continue (default 100 ms). */
  throttlePauseMs?: number;
  throttleMaxPauseMs?: number;
  /** Times a part is sent when its outcome is unknown (connection lost, no response); default 3. */
  maxSubmitAttempts?: number;
  /** Longest a submit may take, waiting for a bind included (default 60 s). */
  submitTimeoutMs?: number;
  /** TON/NPI of the sender; by default 5/0 for alphanumeric senders and 1/1 for numbers. */
  sourceTon?: number;
  sourceNpi?: number;
  destTon?: number;
  destNpi?: number;
  serviceType?: string;
  /** registered_delivery when a receipt is requested (default 1: final receipt). */
  registeredDelivery?: number;
  /** Concatenation reference size for long messages (default 8). */
  concatReferenceBits?: ConcatReferenceBits;
  /** How this carrier writes message ids in submit_sm_resp and in receipts. */
  messageIdFormat?: { submitResponse?: MessageIdFormat; receipt?: MessageIdFormat };
  /** Overrides of which submit_sm_resp statuses are retryable or permanent. */
  statusKinds?: Record<number, FailureKind>;
  /** How long parts of a long inbound message are waited for (default 60 s). */
  reassemblyTimeoutMs?: number;
}

export interface SmppConnectorCounters {
  submitsSent: number;
  partsAccepted: number;
  throttled: number;
  resubmitted: number;
  receipts: number;
  inbound: number;
  rebinds: number;
}

interface PartTask {
  job: SubmitJob;
  index: number;
  /** Queue position: resubmitted parts go back where they were, ahead of later ones. */
  order: number;
  fields: smpp.PduFields;
  sends: number;
}

interface SubmitJob {
  parts: PartTask[];
  ids: (string | undefined)[];
  remaining: number;
  encoding: 'gsm7' | 'ucs2';
  settled: boolean;
  deadline: NodeJS.Timeout | null;
  resolve: (result: SubmitResult) => void;
}

interface InFlight {
  task: PartTask;
  sentAt: number;
}

type ResolvedOptions = Required<
  Omit<
    SmppConnectorOptions,
    'tps' | 'tpsBurst' | 'sourceTon' | 'sourceNpi' | 'statusKinds' | 'messageIdFormat'
  >
>;

const DEFAULTS = {
  window: 10,
  enquireLinkIntervalMs: 30_000,
  responseTimeoutMs: 10_000,
  connectTimeoutMs: 10_000,
  reconnectInitialDelayMs: 500,
  reconnectMaxDelayMs: 30_000,
  throttlePauseMs: 100,
  throttleMaxPauseMs: 5_000,
  maxSubmitAttempts: 3,
  submitTimeoutMs: 60_000,
  reassemblyTimeoutMs: 60_000,
};

export class SmppConnector implements Connector {
  readonly type = 'smpp' as const;
  readonly counters: SmppConnectorCounters = {
    submitsSent: 0,
    partsAccepted: 0,
    throttled: 0,
    resubmitted: 0,
    receipts: 0,
    inbound: 0,
    rebinds: 0,
  };

  private readonly o: ResolvedOptions;
  private readonly links: SmppLink[] = [];
  private readonly sender: SmppLink | null;
  private readonly receiptHandlers = new HandlerSet<DeliveryReceipt>();
  private readonly inboundHandlers = new HandlerSet<InboundMessage>();
  private readonly reassembler: InboundReassembler;
  private readonly bucket: TokenBucket | null;
  private readonly submitIdFormat: MessageIdFormat;
  private readonly receiptIdFormat: MessageIdFormat;

  private queue: PartTask[] = [];
  private queueHead = 0;
  private nextOrder = 0;
  private readonly inFlight = new Map<number, InFlight>();
  private nextReference = Math.floor(Math.random() * 0x10000);
  private pausedUntil = 0;
  private throttleStreak = 0;
  private wakeTimer: NodeJS.Timeout | null = null;
  private wakeAt = 0;
  private sweepTimer: NodeJS.Timeout | null = null;
  private connecting: Promise<void> | null = null;
  private closed = false;
  private lastBindError: SmppBindError | null = null;
  private firstBind: { resolve: () => void; reject: (err: Error) => void } | null = null;

  constructor(private readonly options: SmppConnectorOptions) {
    this.o = {
      ...DEFAULTS,
      systemType: '',
      bindMode: 'transceiver',
      interfaceVersion: 0x34,
      addressRange: '',
      destTon: 1,
      destNpi: 1,
      serviceType: '',
      registeredDelivery: 1,
      concatReferenceBits: 8,
      ...stripUndefined(options),
    } as ResolvedOptions;
    this.submitIdFormat = options.messageIdFormat?.submitResponse ?? 'auto';
    this.receiptIdFormat = options.messageIdFormat?.receipt ?? 'auto';
    this.bucket = options.tps && options.tps > 0 ? new TokenBucket(options.tps, options.tpsBurst) : null;
    this.reassembler = new InboundReassembler(this.o.reassemblyTimeoutMs, (message) => {
      this.emitInbound(message).catch(() => undefined);
    });
    const linkOptions: LinkOptions = {
      host: this.o.host,
      port: this.o.port,
      systemId: this.o.systemId,
      password: this.o.password,
      systemType: this.o.systemType,
      interfaceVersion: this.o.interfaceVersion,
      addrTon: 0,
      addrNpi: 0,
      addressRange: this.o.addressRange,
      enquireLinkIntervalMs: this.o.enquireLinkIntervalMs,
      responseTimeoutMs: this.o.responseTimeoutMs,
      connectTimeoutMs: this.o.connectTimeoutMs,
      reconnectInitialDelayMs: this.o.reconnectInitialDelayMs,
      reconnectMaxDelayMs: this.o.reconnectMaxDelayMs,
    };
    const hooks = {
      onBound: (link: SmppLink) => this.handleBound(link),
      onDown: (link: SmppLink, error: Error | null) => this.handleDown(link, error),
      onPdu: (link: SmppLink, pdu: smpp.PDU) => this.handlePdu(link, pdu),
    };
    const modes: LinkBindMode[] =
      this.o.bindMode === 'transmitter+receiver' ? ['transmitter', 'receiver'] : [this.o.bindMode];
    for (const mode of modes) {
      this.links.push(new SmppLink(mode, linkOptions, hooks));
    }
    this.sender = this.links.find((l) => l.mode !== 'receiver') ?? null;
  }

  /** Bound when every bind is up; reconnecting while one is being re-established. */
  get state(): SmppConnectorState {
    if (this.closed) {
      return 'closed';
    }
    if (this.links.every((l) => l.state === 'bound')) {
      return 'bound';
    }
    if (this.links.some((l) => l.state === 'reconnecting')) {
      return 'reconnecting';
    }
    return this.links.some((l) => l.state === 'connecting') ? 'connecting' : 'idle';
  }

  /** Parts waiting to be sent and parts awaiting a response. */
  get pending(): { queued: number; inFlight: number } {
    return { queued: this.queue.length - this.queueHead, inFlight: this.inFlight.size };
  }

  /**
   * Binds. Resolves when every bind is up; rejects with the first failure (an SmppBindError
   * for refused credentials). The connector keeps retrying in the background until closed.
   */
  connect(): Promise<void> {
    if (this.closed) {
      return Promise.reject(new Error('SMPP connector is closed'));
    }
    if (this.links.every((l) => l.isBound)) {
      return Promise.resolve();
    }
    // One caller waits for the first outcome; later callers after a failure wait afresh for
    // the background reconnects.
    this.connecting ??= new Promise<void>((resolve, reject) => {
      this.firstBind = {
        resolve: () => {
          this.connecting = null;
          resolve();
        },
        reject: (err) => {
          this.connecting = null;
          reject(err);
        },
      };
      for (const link of this.links) {
        link.open();
      }
    });
    return this.connecting;
  }

  submit(message: OutboundMessage): Promise<SubmitResult> {
    if (message.channel !== 'sms') {
      return Promise.resolve(failure('permanent', 'UNSUPPORTED_CHANNEL', 'SMPP carries SMS only'));
    }
    if (this.closed) {
      return Promise.resolve(failure('retryable', 'CONNECTOR_CLOSED', 'SMPP connector is closed'));
    }
    if (!this.sender) {
      return Promise.resolve(
        failure('permanent', 'RECEIVER_ONLY', 'SMPP connector is bound as receiver only'),
      );
    }
    if (this.lastBindError && !this.sender.isBound) {
      return Promise.resolve(failure('retryable', this.lastBindError.code, this.lastBindError.message));
    }
    let fields: smpp.PduFields[];
    let encoding: 'gsm7' | 'ucs2';
    try {
      ({ fields, encoding } = this.buildParts(message));
    } catch (err) {
      return Promise.resolve(
        failure('permanent', 'INVALID_MESSAGE', err instanceof Error ? err.message : String(err)),
      );
    }
    return new Promise<SubmitResult>((resolve) => {
      const job: SubmitJob = {
        parts: [],
        ids: new Array<string | undefined>(fields.length).fill(undefined),
        remaining: fields.length,
        encoding,
        settled: false,
        deadline: null,
        resolve,
      };
      job.deadline = setTimeout(() => {
        const bound = this.sender?.isBound ?? false;
        this.settle(
          job,
          failure(
            'retryable',
            bound ? 'TIMEOUT' : 'NOT_BOUND',
            bound
              ? `submit not completed within ${this.o.submitTimeoutMs} ms`
              : `no SMPP bind within ${this.o.submitTimeoutMs} ms${this.sender?.lastError ? `: ${this.sender.lastError.message}` : ''}`,
          ),
        );
      }, this.o.submitTimeoutMs);
      job.parts = fields.map((f, index) => ({ job, index, order: this.nextOrder++, fields: f, sends: 0 }));
      for (const part of job.parts) {
        this.queue.push(part);
      }
      this.pump();
    });
  }

  onReceipt(handler: ReceiptHandler): () => void {
    return this.receiptHandlers.add(handler);
  }

  onInbound(handler: InboundHandler): () => void {
    return this.inboundHandlers.add(handler);
  }

  async probe(): Promise<ProbeResult> {
    const checkedAt = new Date();
    if (this.closed) {
      return { healthy: false, detail: 'connector closed', checkedAt };
    }
    const down = this.links.find((l) => !l.isBound);
    if (down) {
      const why = down.lastError ? `: ${down.lastError.message}` : '';
      return { healthy: false, detail: `${down.mode} bind is ${down.state}${why}`, checkedAt };
    }
    try {
      let latencyMs = 0;
      for (const link of this.links) {
        latencyMs = Math.max(latencyMs, await link.enquire());
      }
      return { healthy: true, latencyMs, detail: 'bound; enquire_link answered', checkedAt };
    } catch (err) {
      return { healthy: false, detail: err instanceof Error ? err.message : String(err), checkedAt };
    }
  }

  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    if (this.wakeTimer) {
      clearTimeout(this.wakeTimer);
      this.wakeTimer = null;
    }
    this.stopSweep();
    const closedFailure = failure(
      'retryable',
      'CONNECTOR_CLOSED',
      'SMPP connector closed before the submit completed',
    );
    for (const { task } of this.inFlight.values()) {
      this.settle(task.job, closedFailure);
    }
    this.inFlight.clear();
    for (let i = this.queueHead; i < this.queue.length; i++) {
      const task = this.queue[i];
      if (task) {
        this.settle(task.job, closedFailure);
      }
    }
    this.queue = [];
    this.queueHead = 0;
    this.firstBind?.reject(new Error('SMPP connector closed'));
    this.firstBind = null;
    this.reassembler.clear();
    await Promise.all(this.links.map((l) => l.close()));
  }

  /** Drops every connection without unbinding, as a network failure would (tests, operators). */
  dropConnections(): void {
    for (const link of this.links) {
      link.drop();
    }
  }

  // --- building submits ----------------------------------------------------------------------

  private buildParts(message: SmsOutbound): { fields: smpp.PduFields[]; encoding: 'gsm7' | 'ucs2' } {
    const described = describeText(message.text, { smartEncoding: message.smartEncoding ?? false });
    if (described.segments > 255) {
      throw new RangeError(`text needs ${described.segments} parts; at most 255 can be concatenated`);
    }
    const source = addressOf(message.from, this.options.sourceTon, this.options.sourceNpi, true);
    const dest = addressOf(message.to, this.o.destTon, this.o.destNpi, false);
    const base: smpp.PduFields = {
      service_type: this.o.serviceType,
      source_addr_ton: source.ton,
      source_addr_npi: source.npi,
      source_addr: source.address,
      dest_addr_ton: dest.ton,
      dest_addr_npi: dest.npi,
      destination_addr: dest.address,
      registered_delivery: message.requestReceipt === false ? 0 : this.o.registeredDelivery,
      data_coding: DATA_CODING[described.encoding],
    };
    if (message.validitySeconds !== undefined) {
      base.validity_period = relativeTime(message.validitySeconds);
    }
    if (described.segments === 1) {
      const text = described.parts[0] ?? '';
      return {
        fields: [{ ...base, esm_class: 0, short_message: encodeText(text, described.encoding) }],
        encoding: described.encoding,
      };
    }
    const referenceBits = this.o.concatReferenceBits;
    const reference = this.nextReference++ % (referenceBits === 8 ? 0x100 : 0x10000);
    // Parts were cut for an 8-bit reference; a 16-bit one needs one unit less per part.
    const parts =
      referenceBits === 8 ? described.parts : splitText(described.text, described.encoding, referenceBits);
    return {
      fields: parts.map((text, i) => ({
        ...base,
        esm_class: ESM_CLASS_UDHI,
        short_message: Buffer.concat([
          buildConcatUdh({ reference, total: parts.length, sequence: i + 1, referenceBits }),
          encodeText(text, described.encoding),
        ]),
      })),
      encoding: described.encoding,
    };
  }

  // --- the send queue ------------------------------------------------------------------------

  private pump(): void {
    const link = this.sender;
    if (this.closed || !link?.isBound) {
      return;
    }
    const now = performance.now();
    if (now < this.pausedUntil) {
      this.wake(this.pausedUntil - now);
      return;
    }
    while (this.inFlight.size < this.o.window && this.queueHead < this.queue.length) {
      const task = this.queue[this.queueHead];
      if (!task || task.job.settled) {
        this.queueHead++;
        continue;
      }
      if (this.bucket && !this.bucket.tryTake()) {
        this.wake(this.bucket.waitMs());
        break;
      }
      const pdu = new smpp.PDU('submit_sm', task.fields);
      if (!link.send(pdu)) {
        break; // the socket is going away; the link's close handler takes it from here
      }
      this.queueHead++;
      task.sends++;
      this.counters.submitsSent++;
      if (task.sends > 1) {
        this.counters.resubmitted++;
      }
      this.inFlight.set(pdu.sequence_number, { task, sentAt: performance.now() });
    }
    this.compactQueue();
    if (this.inFlight.size > 0) {
      this.startSweep();
    }
  }

  private wake(ms: number): void {
    const at = performance.now() + ms;
    if (this.wakeTimer && this.wakeAt <= at) {
      return;
    }
    if (this.wakeTimer) {
      clearTimeout(this.wakeTimer);
    }
    this.wakeAt = at;
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = null;
        this.pump();
      },
      Math.max(1, Math.ceil(ms)),
    );
  }

  /** Puts a part back at its place in the queue, ahead of every part that came after it. */
  private requeue(task: PartTask): void {
    let lo = this.queueHead;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.queue[mid]?.order ?? Infinity) < task.order) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    if (lo === this.queueHead && this.queueHead > 0) {
      this.queue[--this.queueHead] = task;
    } else {
      this.queue.splice(lo, 0, task);
    }
  }

  private compactQueue(): void {
    if (this.queueHead === this.queue.length) {
      this.queue = [];
      this.queueHead = 0;
    } else if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
  }

  /** A part whose outcome is unknown goes again, unless it has been sent often enough. */
  private retryOrFail(task: PartTask, code: string, message: string): void {
    if (task.job.settled) {
      return;
    }
    if (task.sends < this.o.maxSubmitAttempts && !this.closed) {
      this.requeue(task);
    } else {
      this.settle(task.job, failure('retryable', code, message, task.job.ids));
    }
  }

  private startSweep(): void {
    if (this.sweepTimer) {
      return;
    }
    const every = Math.max(10, Math.min(1000, Math.floor(this.o.responseTimeoutMs / 4)));
    this.sweepTimer = setInterval(() => this.sweep(), every);
    this.sweepTimer.unref();
  }

  private stopSweep(): void {
    if (this.sweepTimer) {
      clearInterval(this.sweepTimer);
      this.sweepTimer = null;
    }
  }

  /** Submits without a response in time count as lost: resent or failed, never forgotten. */
  private sweep(): void {
    if (this.inFlight.size === 0) {
      this.stopSweep();
      return;
    }
    const limit = performance.now() - this.o.responseTimeoutMs;
    let expired = false;
    for (const [seq, entry] of this.inFlight) {
      if (entry.sentAt > limit) {
        break; // insertion order is send order
      }
      this.inFlight.delete(seq);
      expired = true;
      this.retryOrFail(
        entry.task,
        'RESPONSE_TIMEOUT',
        `no submit_sm_resp within ${this.o.responseTimeoutMs} ms`,
      );
    }
    if (expired) {
      this.pump();
    }
  }

  private settle(job: SubmitJob, result: SubmitResult): void {
    if (job.settled) {
      return;
    }
    job.settled = true;
    if (job.deadline) {
      clearTimeout(job.deadline);
    }
    job.resolve(result);
  }

  // --- link events ---------------------------------------------------------------------------

  private handleBound(link: SmppLink): void {
    this.counters.rebinds = this.links.reduce((n, l) => n + l.rebinds, 0);
    this.lastBindError = null;
    if (this.firstBind && this.links.every((l) => l.isBound)) {
      this.firstBind.resolve();
      this.firstBind = null;
    }
    if (link === this.sender) {
      this.pump();
    }
  }

  private handleDown(link: SmppLink, error: Error | null): void {
    if (error instanceof SmppBindError) {
      this.lastBindError = error;
    }
    if (this.firstBind && error) {
      this.firstBind.reject(error);
      this.firstBind = null;
    }
    if (link !== this.sender || this.inFlight.size === 0) {
      return;
    }
    // Submits that were on the wire may or may not have reached the SMSC: resend after the
    // rebind (in their original order) or report them as retryable.
    const lost = [...this.inFlight.values()];
    this.inFlight.clear();
    this.stopSweep();
    for (const { task } of lost.reverse()) {
      this.retryOrFail(task, 'CONNECTION_LOST', `SMPP connection lost: ${error?.message ?? 'closed'}`);
    }
  }

  private handlePdu(link: SmppLink, pdu: smpp.PDU): void {
    switch (pdu.command) {
      case 'submit_sm_resp':
      case 'generic_nack':
        this.handleSubmitResponse(pdu);
        return;
      case 'deliver_sm':
        this.handleDeliverSm(link, pdu);
        return;
      default:
        if (!pdu.isResponse()) {
          link.session?.send(pdu.response({ command_status: SmppStatus.ESME_RINVCMDID }));
        }
    }
  }

  private handleSubmitResponse(pdu: smpp.PDU): void {
    const entry = this.inFlight.get(pdu.sequence_number);
    if (!entry) {
      return; // late answer to a submit we already counted as lost
    }
    this.inFlight.delete(pdu.sequence_number);
    const { task } = entry;
    const { job } = task;
    const status = pdu.command_status;
    if (status === SmppStatus.ESME_ROK && pdu.command === 'submit_sm_resp') {
      this.throttleStreak = 0;
      this.counters.partsAccepted++;
      if (!job.settled && job.ids[task.index] === undefined) {
        job.ids[task.index] = normalizeProviderMessageId(pduString(pdu.message_id), this.submitIdFormat);
        job.remaining--;
        if (job.remaining === 0) {
          this.settle(job, {
            ok: true,
            providerMessageIds: job.ids.map((id) => id ?? ''),
            parts: job.ids.length,
            encoding: job.encoding,
          });
        }
      }
    } else if (isThrottleStatus(status)) {
      this.counters.throttled++;
      task.sends--; // the SMSC refused it outright: not an attempt with an unknown outcome
      if (!job.settled) {
        this.requeue(task);
      }
      this.throttleStreak++;
      const pause = Math.min(
        this.o.throttleMaxPauseMs,
        this.o.throttlePauseMs * 2 ** (this.throttleStreak - 1),
      );
      this.pausedUntil = Math.max(this.pausedUntil, performance.now() + pause);
    } else {
      const kind =
        this.options.statusKinds?.[status] ?? (isRetryableStatus(status) ? 'retryable' : 'permanent');
      const accepted = job.ids.filter((id): id is string => id !== undefined);
      this.settle(
        job,
        failure(
          kind,
          statusName(status),
          `SMSC refused part ${task.index + 1} of ${job.ids.length}`,
          accepted,
        ),
      );
    }
    this.pump();
  }

  private handleDeliverSm(link: SmppLink, pdu: smpp.PDU): void {
    const session = link.session;
    const respond = (status: number): void => {
      session?.send(pdu.response(status === 0 ? { message_id: '' } : { command_status: status }));
    };
    const raw = rawOf(pdu);
    let sm: ShortMessagePdu;
    try {
      if (!raw) {
        throw new Error('deliver_sm without its octets');
      }
      sm = parseShortMessagePdu(raw);
    } catch {
      respond(SmppStatus.ESME_RX_P_APPN);
      return;
    }
    const type = sm.esmClass & ESM_TYPE_MASK;
    const isReceipt =
      type === ESM_TYPE_DELIVERY_RECEIPT ||
      type === ESM_TYPE_INTERMEDIATE_NOTIFICATION ||
      (type === 0 && sm.tlvs.has(TLV.receipted_message_id));
    const { udh, payload } =
      sm.esmClass & ESM_CLASS_UDHI ? splitUserData(sm.userData) : { udh: null, payload: sm.userData };
    const settleWith = (work: Promise<void>): void => {
      work.then(
        () => respond(SmppStatus.ESME_ROK),
        () => respond(SmppStatus.ESME_RX_T_APPN), // the SMSC will offer it again
      );
    };
    if (isReceipt) {
      const text = decodeShortMessage(payload, sm.dataCoding);
      const receipt = receiptFromDeliverSm({ text, tlvs: sm.tlvs }, this.receiptIdFormat, new Date());
      if (!receipt) {
        respond(SmppStatus.ESME_ROK);
        return;
      }
      this.counters.receipts++;
      settleWith(this.receiptHandlers.emit(receipt));
      return;
    }
    const sarTotal = tlvInt(sm.tlvs.get(TLV.sar_total_segments));
    const concat =
      udh?.concat ??
      (sarTotal !== undefined
        ? {
            reference: tlvInt(sm.tlvs.get(TLV.sar_msg_ref_num)) ?? 0,
            total: sarTotal,
            sequence: tlvInt(sm.tlvs.get(TLV.sar_segment_seqnum)) ?? 1,
          }
        : undefined);
    const message = this.reassembler.add({
      from: sm.source,
      to: sm.destination,
      dataCoding: sm.dataCoding,
      payload,
      ...(concat ? { concat } : {}),
    });
    if (!message) {
      respond(SmppStatus.ESME_ROK);
      return;
    }
    settleWith(this.emitInbound(message));
  }

  private async emitInbound(message: InboundMessage): Promise<void> {
    this.counters.inbound++;
    await this.inboundHandlers.emit(message);
  }
}

function failure(
  kind: FailureKind,
  code: string,
  message: string,
  accepted?: (string | undefined)[],
): SubmitResult {
  const ids = accepted?.filter((id): id is string => id !== undefined) ?? [];
  return ids.length > 0
    ? { ok: false, kind, code, message, acceptedProviderMessageIds: ids }
    : { ok: false, kind, code, message };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Address, TON and NPI: `+` dropped from numbers; alphanumeric senders get TON 5 / NPI 0. */
function addressOf(
  value: string,
  ton: number | undefined,
  npi: number | undefined,
  isSource: boolean,
): { address: string; ton: number; npi: number } {
  const trimmed = value.trim();
  const isNumber = /^\+?[0-9]+$/.test(trimmed);
  const address = isNumber ? trimmed.replace(/^\+/, '') : trimmed;
  if (ton !== undefined && npi !== undefined) {
    return { address, ton, npi };
  }
  if (isSource && !isNumber) {
    return { address, ton: ton ?? 5, npi: npi ?? 0 };
  }
  // Short codes are national/network-specific numbers; longer ones international E.164.
  const isShort = isNumber && address.length <= 8 && !trimmed.startsWith('+');
  return { address, ton: ton ?? (isShort ? 3 : 1), npi: npi ?? 1 };
}
