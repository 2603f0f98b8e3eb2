// One SMPP connection: TCP connect, bind, enquire_link on an interval, and reconnect with
// exponential backoff when the connection drops or the bind fails. The connector on top owns
// the submit window and what happens to outstanding submits.
import net from 'node:net';
import {
  isResponseId,
  SmppSession,
  SmppStatus,
  statusName,
  type BindCommand,
  type Pdu,
  type PduInput,
} from '../../../lib/smpp/index.js';

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
  onPdu(link: SmppLink, pdu: Pdu): void;
}

export class SmppLink {
  state: LinkState = 'idle';
  session: SmppSession | null = null;
  lastError: Error | null = null;
  /** Successful binds after the first one. */
  rebinds = 0;
  private everBound = false;
  private failures = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private enquireTimer: NodeJS.Timeout | null = null;
  private connectTimer: NodeJS.Timeout | null = null;

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
    const socket = net.connect({ host: this.options.host, port: this.options.port });
    let downError: Error | null = null;
    const session: SmppSession = new SmppSession(socket, {
      onPdu: (pdu) => {
        if (this.session !== session) {
          return;
        }
        this.handlePdu(session, pdu, (err) => {
          downError = err;
        });
      },
      onClose: (err) => this.handleClose(session, downError ?? err),
    });
    this.session = session;
    this.connectTimer = setTimeout(() => {
      downError = new Error(`SMPP bind to ${this.options.host}:${this.options.port} timed out`);
      session.destroy();
    }, this.options.connectTimeoutMs);
    socket.once('connect', () => this.sendBind(session));
  }

  /** Sends a request on the bound session; its sequence number, or null when it cannot. */
  send(pdu: PduInput): number | null {
    if (this.session === null || !this.isBound) {
      return null;
    }
    return this.session.send(pdu);
  }

  /** Round trip of one enquire_link, in milliseconds. */
  async enquire(): Promise<number> {
    const session = this.session;
    if (!session) {
      throw new Error('SMPP link is not connected');
    }
    const started = performance.now();
    await session.request({ command: 'enquire_link' }, this.options.responseTimeoutMs);
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
      await session.request({ command: 'unbind' }, 1000).catch(() => undefined);
    }
    session.destroy();
    await session.whenClosed();
  }

  private sendBind(session: SmppSession): void {
    const o = this.options;
    session.send({
      command: `bind_${this.mode}` satisfies BindCommand,
      systemId: o.systemId,
      password: o.password,
      systemType: o.systemType,
      interfaceVersion: o.interfaceVersion,
      addrTon: o.addrTon,
      addrNpi: o.addrNpi,
      addressRange: o.addressRange,
    });
  }

  private handlePdu(session: SmppSession, pdu: Pdu, setError: (err: Error) => void): void {
    switch (pdu.command) {
      case 'bind_transceiver_resp':
      case 'bind_transmitter_resp':
      case 'bind_receiver_resp':
        if (pdu.commandStatus !== SmppStatus.ESME_ROK) {
          setError(new SmppBindError(pdu.commandStatus));
          session.destroy();
          return;
        }
        this.onBound();
        return;
      case 'enquire_link':
        session.respond(pdu, { command: 'enquire_link_resp' });
        return;
      case 'unbind':
        session.respond(pdu, { command: 'unbind_resp' });
        session.end();
        return;
      case 'enquire_link_resp':
      case 'unbind_resp':
        return; // late: its request() already timed out
      case 'generic_nack':
        if (!this.isBound) {
          // Some SMSCs answer a bind they cannot parse (interface_version…) this way.
          setError(new SmppBindError(pdu.commandStatus));
          session.destroy();
          return;
        }
        this.hooks.onPdu(this, pdu);
        return;
      case 'submit_sm_resp':
      case 'deliver_sm':
      case 'data_sm':
      case 'data_sm_resp':
      case 'deliver_sm_resp':
      case 'submit_sm':
      case 'query_sm':
      case 'query_sm_resp':
      case 'bind_transceiver':
      case 'bind_transmitter':
      case 'bind_receiver':
      case 'outbind':
      case 'other':
        if (this.isBound) {
          this.hooks.onPdu(this, pdu);
        } else if (!isResponseId(pdu.commandId)) {
          session.respondError(pdu, SmppStatus.ESME_RINVBNDSTS);
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

  private handleClose(session: SmppSession, error: Error | null): void {
    if (this.session !== session) {
      return;
    }
    this.session = null;
    this.clearTimers();
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
