// One SMPP connection: TCP connect, bind, enquire_link on an interval, and reconnect with
// exponential backoff when the connection drops or the bind fails. The connector on top owns
// the submit window and what happens to outstanding submits.
import type net from 'node:net';
import smpp from 'smpp';
import { installRawReader, SmppStatus, statusName } from './protocol.js';

export type LinkBindMode = 'transceiver' | 'transmitter' | 'receiver';
export type LinkState = 'idle' | 'connecting' | 'bound' | 'reconnecting' | 'closed';

export interface LinkOptions {
  host: string;
  port: number;
  systemId: string;
  password: string;
  systemType: string;
  interfaceVersion: number;
  addrTon: number;
  addrNpi: number;
  addressRange: string;
  enquireLinkIntervalMs: number;
  responseTimeoutMs: number;
  connectTimeoutMs: number;
  reconnectInitialDelayMs: number;
  reconnectMaxDelayMs: number;
}

/** The SMSC refused the bind (wrong system_id or password, already bound…). */
export class SmppBindError extends Error {
  readonly code: string;
  constructor(readonly status: number) {
    super(`SMPP bind refused: ${statusName(status)}`);
    this.name = 'SmppBindError';
    this.code = statusName(status);
  }
}

export interface LinkHooks {
  onBound(link: SmppLink): void;
  /** The connection is gone (dropped, unbound by the peer, bind refused or timed out). */
  onDown(link: SmppLink, error: Error | null): void;
  /** Every PDU the link does not handle itself (submit_sm_resp, deliver_sm, generic_nack…). */
  onPdu(link: SmppLink, pdu: smpp.PDU): void;
}

interface PendingRequest {
  resolve: (pdu: smpp.PDU) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class SmppLink {
  state: LinkState = 'idle';
  session: smpp.Session | null = null;
  lastError: Error | null = null;
  /** Successful binds after the first one. */
  rebinds = 0;
  private everBound = false;
  private failures = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private enquireTimer: NodeJS.Timeout | null = null;
  private connectTimer: NodeJS.Timeout | null = null;
  private readonly requests = new Map<number, PendingRequest>();

  constructor(
    readonly mode: LinkBindMode,
    private readonly options: LinkOptions,
    private readonly hooks: LinkHooks,
  ) {}

  get isBound(): boolean {
    return this.state === 'bound';
  }

  /** Starts connecting, unless a connection or a scheduled reconnect is already under way. */
  open(): void {
    if (this.state === 'closed' || this.session || this.reconnectTimer) {
      return;
    }
    this.state = this.everBound || this.failures > 0 ? 'reconnecting' : 'connecting';
    const session = new smpp.Session({ host: this.options.host, port: this.options.port });
    this.session = session;
    session.socket.setNoDelay(true); // a window of small PDUs must not wait for Nagle
    installRawReader(session);
    let downError: Error | null = null;
    this.connectTimer = setTimeout(() => {
      downError = new Error(`SMPP bind to ${this.options.host}:${this.options.port} timed out`);
      session.destroy();
    }, this.options.connectTimeoutMs);
    session.on('connect', () => this.sendBind(session));
    session.on('error', (err: Error) => {
      downError ??= err;
    });
    session.on('pdu', (pdu: smpp.PDU) => {
      if (this.session !== session) {
        return;
      }
      try {
        this.handlePdu(session, pdu, (err) => {
          downError = err;
        });
      } catch (err) {
        downError = err instanceof Error ? err : new Error(String(err));
        session.destroy();
      }
    });
    session.on('close', () => this.handleClose(session, downError));
  }

  /** Sends a PDU on the bound session; false when there is none or it is not writable. */
  send(pdu: smpp.PDU): boolean {
    if (this.session === null || !this.isBound) {
      return false;
    }
    this.corkForThisTick(this.session);
    return this.session.send(pdu);
  }

  private corked = false;

  /** PDUs sent in one turn of the event loop leave in one write (a window of submits). */
  private corkForThisTick(session: smpp.Session): void {
    const socket = session.socket as net.Socket | undefined;
    if (this.corked || !socket) {
      return;
    }
    this.corked = true;
    socket.cork();
    process.nextTick(() => {
      this.corked = false;
      socket.uncork();
    });
  }

  /** Sends a request and waits for its response (enquire_link, unbind). */
  request(pdu: smpp.PDU, timeoutMs = this.options.responseTimeoutMs): Promise<smpp.PDU> {
    return new Promise((resolve, reject) => {
      const session = this.session;
      if (!session || !session.send(pdu)) {
        reject(new Error('SMPP link is not connected'));
        return;
      }
      const timer = setTimeout(() => {
        this.requests.delete(pdu.sequence_number);
        reject(new Error(`no ${pdu.command}_resp within ${timeoutMs} ms`));
      }, timeoutMs);
      this.requests.set(pdu.sequence_number, { resolve, reject, timer });
    });
  }

  /** Round trip of one enquire_link, in milliseconds. */
  async enquire(): Promise<number> {
    const started = performance.now();
    await this.request(new smpp.PDU('enquire_link'));
    return performance.now() - started;
  }

  /** Drops the TCP connection without unbinding (the link reconnects unless closed). */
  drop(): void {
    this.session?.destroy();
  }

  async close(): Promise<void> {
    if (this.state === 'closed') {
      return;
    }
    const wasBound = this.isBound;
    this.state = 'closed';
    this.clearTimers();
    const session = this.session;
    if (!session) {
      return;
    }
    if (wasBound) {
      await this.request(new smpp.PDU('unbind'), 1000).catch(() => undefined);
    }
    await new Promise<void>((resolve) => {
      if (session.socket.destroyed) {
        resolve();
        return;
      }
      session.socket.once('close', () => resolve());
      session.destroy();
    });
  }

  private sendBind(session: smpp.Session): void {
    const o = this.options;
    session.send(
      new smpp.PDU(`bind_${this.mode}`, {
        system_id: o.systemId,
        password: o.password,
        system_type: o.systemType,
        interface_version: o.interfaceVersion,
        addr_ton: o.addrTon,
        addr_npi: o.addrNpi,
        address_range: o.addressRange,
      }),
    );
  }

  private handlePdu(session: smpp.Session, pdu: smpp.PDU, setError: (err: Error) => void): void {
    switch (pdu.command) {
      case 'bind_transceiver_resp':
      case 'bind_transmitter_resp':
      case 'bind_receiver_resp':
        if (pdu.command_status !== SmppStatus.ESME_ROK) {
          setError(new SmppBindError(pdu.command_status));
          session.destroy();
          return;
        }
        this.onBound();
        return;
      case 'enquire_link':
        session.send(pdu.response());
        return;
      case 'unbind':
        session.send(pdu.response());
        session.close();
        return;
      case 'enquire_link_resp':
      case 'unbind_resp': {
        const request = this.requests.get(pdu.sequence_number);
        if (request) {
          this.requests.delete(pdu.sequence_number);
          clearTimeout(request.timer);
          request.resolve(pdu);
        }
        return;
      }
      case 'generic_nack':
        if (!this.isBound) {
          // Some SMSCs answer a bind they cannot parse (interface_version…) this way.
          setError(new SmppBindError(pdu.command_status));
          session.destroy();
          return;
        }
        this.hooks.onPdu(this, pdu);
        return;
      default:
        if (this.isBound) {
          this.hooks.onPdu(this, pdu);
        } else if (!pdu.isResponse()) {
          session.send(pdu.response({ command_status: SmppStatus.ESME_RINVBNDSTS }));
        }
    }
  }

  private onBound(): void {
    if (this.connectTimer) {
      clearTimeout(this.connectTimer);
      this.connectTimer = null;
    }
    if (this.everBound) {
      this.rebinds++;
    }
    this.everBound = true;
    this.failures = 0;
    this.lastError = null;
    this.state = 'bound';
    this.enquireTimer = setInterval(() => {
      // A link whose peer stopped answering is dead even if TCP says otherwise.
      this.enquire().catch(() => this.session?.destroy());
    }, this.options.enquireLinkIntervalMs);
    this.enquireTimer.unref();
    this.hooks.onBound(this);
  }

  private handleClose(session: smpp.Session, error: Error | null): void {
    if (this.session !== session) {
      return;
    }
    this.session = null;
    this.clearTimers();
    for (const [seq, request] of this.requests) {
      clearTimeout(request.timer);
      request.reject(new Error('SMPP connection closed'));
      this.requests.delete(seq);
    }
    const closing = this.state === 'closed';
    const downError = error ?? (closing ? null : new Error('SMPP connection closed by peer'));
    this.lastError = downError ?? this.lastError;
    if (!closing) {
      this.state = 'reconnecting';
      this.failures++;
      this.scheduleReconnect();
    }
    this.hooks.onDown(this, downError);
  }

  private scheduleReconnect(): void {
    const o = this.options;
    const base = Math.min(
      o.reconnectMaxDelayMs,
      o.reconnectInitialDelayMs * 2 ** Math.max(0, this.failures - 1),
    );
    const delay = base * (0.8 + Math.random() * 0.4);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.open();
    }, delay);
  }

  private clearTimers(): void {
    for (const timer of [this.reconnectTimer, this.connectTimer]) {
      if (timer) {
        clearTimeout(timer);
      }
    }
    if (this.enquireTimer) {
      clearInterval(this.enquireTimer);
    }
    this.reconnectTimer = null;
    this.connectTimer = null;
    this.enquireTimer = null;
  }
}
