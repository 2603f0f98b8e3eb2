// SMPP connector (ESME side), on Pigeon's own SMPP codec and session (lib/smpp): binds and
// rebinds (link.ts), a window of outstanding submit_sm, a TPS limit counted in message parts,
// pausing and in-order resubmission on ESME_RTHROTTLED / ESME_RMSGQFUL (send-queue.ts), long
// messages as UDH-concatenated parts (submit-parts.ts), receipts and inbound messages from
// deliver_sm (deliver-sm.ts), acknowledged only once their handlers have taken them.
import type { ConcatReferenceBits } from '../../../lib/sms/index.js';
import {
  InboundReassembler,
  isResponseId,
  SmppStatus,
  TokenBucket,
  type MessageIdFormat,
  type Pdu,
  type ShortMessagePdu,
} from '../../../lib/smpp/index.js';
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
  type SubmitResult,
} from '../types.js';
import { readDeliverSm } from './deliver-sm.js';
import { SmppBindError, SmppLink, type LinkBindMode, type LinkOptions } from './link.js';
import { buildSubmitParts, type SubmitPartsOptions, type SubmitSmInput } from './submit-parts.js';
import { failure, SubmitWindow } from './submit-window.js';

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
  private readonly receiptIdFormat: MessageIdFormat;
  private readonly partsOptions: SubmitPartsOptions;

  private readonly window: SubmitWindow;
  private nextReference = Math.floor(Math.random() * 0x10000);
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
    this.receiptIdFormat = options.messageIdFormat?.receipt ?? 'auto';
    this.partsOptions = {
      sourceTon: options.sourceTon,
      sourceNpi: options.sourceNpi,
      destTon: this.o.destTon,
      destNpi: this.o.destNpi,
      serviceType: this.o.serviceType,
      registeredDelivery: this.o.registeredDelivery,
      concatReferenceBits: this.o.concatReferenceBits,
    };
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
      onPdu: (link: SmppLink, pdu: Pdu) => this.handlePdu(link, pdu),
    };
    const modes: LinkBindMode[] =
      this.o.bindMode === 'transmitter+receiver' ? ['transmitter', 'receiver'] : [this.o.bindMode];
    for (const mode of modes) {
      this.links.push(new SmppLink(mode, linkOptions, hooks));
    }
    this.sender = this.links.find((l) => l.mode !== 'receiver') ?? null;
    this.window = new SubmitWindow(
      {
        window: this.o.window,
        responseTimeoutMs: this.o.responseTimeoutMs,
        throttlePauseMs: this.o.throttlePauseMs,
        throttleMaxPauseMs: this.o.throttleMaxPauseMs,
        maxSubmitAttempts: this.o.maxSubmitAttempts,
        submitIdFormat: options.messageIdFormat?.submitResponse ?? 'auto',
        statusKinds: options.statusKinds,
      },
      this.counters,
      this.sender,
      options.tps && options.tps > 0 ? new TokenBucket(options.tps, options.tpsBurst) : null,
    );
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
    return this.window.pending;
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
    let pdus: SubmitSmInput[];
    let encoding: 'gsm7' | 'ucs2';
    try {
      ({ pdus, encoding } = buildSubmitParts(message, this.partsOptions, this.nextReference++));
    } catch (err) {
      return Promise.resolve(
        failure('permanent', 'INVALID_MESSAGE', err instanceof Error ? err.message : String(err)),
      );
    }
    return new Promise<SubmitResult>((resolve) => {
      const job = this.window.enqueue(pdus, encoding, resolve);
      job.deadline = setTimeout(() => {
        const bound = this.sender?.isBound ?? false;
        this.window.settle(
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
      this.window.pump();
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
    this.window.close(
      failure('retryable', 'CONNECTOR_CLOSED', 'SMPP connector closed before the submit completed'),
    );
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

  // --- link events ---------------------------------------------------------------------------

  private handleBound(link: SmppLink): void {
    this.counters.rebinds = this.links.reduce((n, l) => n + l.rebinds, 0);
    this.lastBindError = null;
    if (this.firstBind && this.links.every((l) => l.isBound)) {
      this.firstBind.resolve();
      this.firstBind = null;
    }
    if (link === this.sender) {
      this.window.pump();
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
    if (link === this.sender) {
      this.window.connectionLost(error);
    }
  }

  private handlePdu(link: SmppLink, pdu: Pdu): void {
    switch (pdu.command) {
      case 'submit_sm_resp':
        this.window.onResponse(pdu.sequenceNumber, pdu.commandStatus, pdu.messageId);
        return;
      case 'generic_nack':
        this.window.onResponse(pdu.sequenceNumber, pdu.commandStatus, null);
        return;
      case 'deliver_sm':
        this.handleDeliverSm(link, pdu);
        return;
      // Not served by an ESME: requests are refused, stray responses ignored.
      case 'data_sm':
      case 'submit_sm':
      case 'query_sm':
      case 'bind_transceiver':
      case 'bind_transmitter':
      case 'bind_receiver':
      case 'outbind':
      case 'other':
      case 'data_sm_resp':
      case 'deliver_sm_resp':
      case 'query_sm_resp':
      case 'bind_transceiver_resp':
      case 'bind_transmitter_resp':
      case 'bind_receiver_resp':
      case 'enquire_link':
      case 'enquire_link_resp':
      case 'unbind':
      case 'unbind_resp':
        if (!isResponseId(pdu.commandId)) {
          link.session?.respondError(pdu, SmppStatus.ESME_RINVCMDID);
        }
    }
  }

  private handleDeliverSm(link: SmppLink, pdu: ShortMessagePdu): void {
    // Answered on the connection it came on: after a reconnect its sequence number means
    // another PDU, and the SMSC offers an unanswered one again anyway.
    const session = link.session;
    const respond = (status: number): void => {
      session?.respond(pdu, { command: 'deliver_sm_resp', commandStatus: status });
    };
    const settleWith = (work: Promise<void>): void => {
      work.then(
        () => respond(SmppStatus.ESME_ROK),
        () => respond(SmppStatus.ESME_RX_T_APPN), // the SMSC will offer it again
      );
    };
    const content = readDeliverSm(pdu, this.receiptIdFormat, this.reassembler, new Date());
    switch (content.kind) {
      case 'receipt':
        this.counters.receipts++;
        settleWith(this.receiptHandlers.emit(content.receipt));
        return;
      case 'inbound':
        settleWith(this.emitInbound(content.message));
        return;
      case 'nothing':
        respond(SmppStatus.ESME_ROK);
    }
  }

  private async emitInbound(message: InboundMessage): Promise<void> {
    this.counters.inbound++;
    await this.inboundHandlers.emit(message);
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
