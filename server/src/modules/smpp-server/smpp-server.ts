// The SMPP 3.4 server for customers (DL-8): sending accounts bind as ESMEs (bind-auth.ts), their
// submit_sm / data_sm enter the same accept path as the HTTP API (submits.ts), and receipts and
// inbound messages go back as deliver_sm through a window per bind, kept in the database while
// nobody is bound (deliveries.ts). This file owns the listener, the connections and their binds.
import fs from 'node:fs';
import type net from 'node:net';
import {
  CommandId,
  isResponseId,
  SmppListener,
  SmppSession,
  type BindPdu,
  type Pdu,
  type PduHeader,
} from '../../lib/smpp/index.js';
import type { AppContext } from '../../context.js';
import type { AuditLog } from '../../platform/audit/audit.js';
import { newId } from '../../platform/ids.js';
import {
  MESSAGE_INBOUND_EVENT,
  type MessageInboundEvent,
  type MessageStatusEvent,
} from '../messages/index.js';
import { BindAuthenticator, type BindRefusal } from './bind-auth.js';
import { Accounts, normalizeIp, TpsMeter, type Bind, type BindMode } from './binds.js';
import { SmppDeliveries } from './deliveries.js';
import { ServerStatus } from './smpp-pdu.js';
import { SmppServerRepository } from './smpp-server.repository.js';
import { SmppSubmits, type AcceptFn } from './submits.js';

export type { AcceptFn } from './submits.js';
export type { BindMode } from './binds.js';

export interface SmppServerOptions {
  /** The accept path (the messages module's in the platform; a fake in unit tests). */
  accept: AcceptFn;
  audit: AuditLog;
  /** A bind with no PDU from the ESME for this long is closed (also: time to bind). */
  idleTimeoutMs?: number;
  /** deliver_sm sent to one bind and not yet answered, at most. */
  windowSize?: number;
  /** A deliver_sm not answered within this is sent again. */
  responseTimeoutMs?: number;
  /** Parts of a long submit that do not all arrive within this are refused. */
  reassemblyTimeoutMs?: number;
  /** How long a receipt or MO waits for a receiver bind when the submit set no validity. */
  defaultRetentionMs?: number;
}

/** One live bind as the console shows it. */
export interface BindView {
  id: string;
  enterpriseId: string;
  sendingAccountId: string;
  sendingAccountName: string;
  systemId: string;
  bindType: BindMode;
  ip: string;
  since: string;
  /** submit_sm/data_sm per second over the last 10 seconds. */
  tps: number;
  submits: number;
  /** deliver_sm sent and not yet answered, and waiting to be sent, for the account. */
  outstandingDeliveries: number;
  queuedDeliveries: number;
}

const BIND_MODES: Readonly<Record<BindPdu['command'], BindMode>> = {
  bind_transceiver: 'transceiver',
  bind_transmitter: 'transmitter',
  bind_receiver: 'receiver',
};

export class SmppServer {
  private listener: SmppListener | null = null;
  private readonly binds = new Set<Bind>();
  private readonly work = new Set<Promise<unknown>>();
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly unsubscribe: Array<() => void> = [];
  private readonly idleTimeoutMs: number;
  private readonly accounts: Accounts;
  private readonly auth: BindAuthenticator;
  private readonly deliveries: SmppDeliveries;
  private readonly submits: SmppSubmits;

  constructor(
    private readonly ctx: AppContext,
    options: SmppServerOptions,
  ) {
    this.idleTimeoutMs = options.idleTimeoutMs ?? 120_000;
    const repository = new SmppServerRepository(ctx.db);
    const track = (work: Promise<unknown>): void => this.track(work);
    this.accounts = new Accounts(repository, ctx.clock, options.reassemblyTimeoutMs ?? 60_000);
    this.auth = new BindAuthenticator(repository, options.audit, ctx.clock, ctx.log);
    this.deliveries = new SmppDeliveries(
      {
        windowSize: options.windowSize ?? 10,
        responseTimeoutMs: options.responseTimeoutMs ?? 10_000,
        defaultRetentionMs: options.defaultRetentionMs ?? 24 * 3600_000,
      },
      this.accounts,
      repository,
      ctx.clock,
      ctx.log,
      () => this.isListening,
      track,
    );
    this.submits = new SmppSubmits(
      options.accept,
      this.deliveries,
      repository,
      ctx.clock,
      ctx.log,
      options.reassemblyTimeoutMs ?? 60_000,
    );
  }

  /** The port listened on (0 before start). */
  get port(): number {
    return this.listener?.port ?? 0;
  }

  get isListening(): boolean {
    return this.listener !== null;
  }

  /** Subscribes to status and inbound events: receipts and MOs are kept even before listening. */
  subscribe(): void {
    if (this.unsubscribe.length > 0) {
      return;
    }
    const cut = (enterpriseId: string | null): void => {
      for (const view of this.list(enterpriseId ?? '')) {
        this.disconnect(view.id);
      }
    };
    this.unsubscribe.push(
      // A suspended or deleted enterprise loses its binds at once, not at the next bind.
      this.ctx.events.on('enterprise.suspended', (e) => cut(e.enterpriseId)),
      this.ctx.events.on('enterprise.deleted', (e) => cut(e.enterpriseId)),
      this.ctx.events.on('message.status', (e) =>
        this.track(this.deliveries.onStatus(e.data as MessageStatusEvent)),
      ),
      this.ctx.events.on(MESSAGE_INBOUND_EVENT, (e) =>
        this.track(this.deliveries.onInbound(e.data as MessageInboundEvent)),
      ),
    );
  }

  async start(opts: {
    port: number;
    host?: string;
    tlsKeyFile?: string;
    tlsCertFile?: string;
  }): Promise<number> {
    this.subscribe();
    const tls =
      opts.tlsKeyFile && opts.tlsCertFile
        ? { key: fs.readFileSync(opts.tlsKeyFile), cert: fs.readFileSync(opts.tlsCertFile) }
        : undefined;
    this.listener = await SmppListener.listen(
      {
        port: opts.port,
        host: opts.host ?? '0.0.0.0',
        ...(tls ? { tls } : {}),
        onError: (err) => this.ctx.log.error({ err }, 'SMPP server error'),
      },
      (socket) => this.onConnection(socket),
    );
    this.idleTimer = setInterval(
      () => this.closeIdle(),
      Math.max(50, Math.min(this.idleTimeoutMs / 4, 5_000)),
    );
    this.idleTimer.unref();
    return this.listener.port;
  }

  /** Stops listening, closes every bind and keeps what was not delivered for the next bind. */
  async close(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) {
      off();
    }
    if (this.idleTimer) {
      clearInterval(this.idleTimer);
      this.idleTimer = null;
    }
    const listener = this.listener;
    this.listener = null;
    const closed = listener ? listener.close() : Promise.resolve();
    for (const bind of [...this.binds]) {
      this.dropBind(bind);
      bind.session.destroy();
    }
    this.deliveries.close();
    this.submits.close(this.accounts.values());
    await this.settle();
    await closed;
  }

  /** Resolves when every async piece of work started so far (persisting, loading) is done. */
  async settle(): Promise<void> {
    while (this.work.size > 0) {
      await Promise.allSettled([...this.work]);
    }
  }

  /** Live binds, optionally of one enterprise. */
  list(enterpriseId: string | null): BindView[] {
    const now = this.ctx.clock.now();
    const out: BindView[] = [];
    for (const bind of this.binds) {
      const a = bind.account;
      if (
        bind.state !== 'bound' ||
        !a ||
        !bind.mode ||
        (enterpriseId !== null && a.enterpriseId !== enterpriseId)
      ) {
        continue;
      }
      out.push({
        id: bind.id,
        enterpriseId: a.enterpriseId,
        sendingAccountId: a.id,
        sendingAccountName: a.name,
        systemId: a.systemId,
        bindType: bind.mode,
        ip: bind.ip,
        since: bind.since,
        tps: bind.tps.rate(now),
        submits: bind.submits,
        outstandingDeliveries: bind.outstanding.size,
        queuedDeliveries: a.queue.length,
      });
    }
    return out.sort((x, y) => x.since.localeCompare(y.since));
  }

  /** The bind's enterprise, or null when there is no such live bind. */
  enterpriseOfBind(id: string): string | null {
    for (const bind of this.binds) {
      if (bind.id === id && bind.state === 'bound' && bind.account) {
        return bind.account.enterpriseId;
      }
    }
    return null;
  }

  /** Sends unbind and closes the connection (at the latest after 2 s). */
  disconnect(id: string): boolean {
    const bind = [...this.binds].find((b) => b.id === id && b.state === 'bound');
    if (!bind) {
      return false;
    }
    const session = bind.session;
    this.dropBind(bind);
    if (session.send({ command: 'unbind' }) === null) {
      session.destroy();
      return true;
    }
    session.end();
    const kill = setTimeout(() => session.destroy(), 2_000);
    kill.unref();
    void session.whenClosed().then(() => clearTimeout(kill));
    return true;
  }

  // --- connections --------------------------------------------------------------------------

  private onConnection(socket: net.Socket): void {
    const bind: Bind = {
      id: newId(),
      // The handlers run on socket events, after `bind` is initialised.
      session: new SmppSession(socket, {
        onPdu: (pdu) => {
          bind.lastActivity = this.ctx.clock.now();
          this.handle(bind, pdu);
        },
        onMalformed: (header, err) => {
          bind.lastActivity = this.ctx.clock.now();
          this.handleMalformed(bind, header, err);
        },
        onClose: (err) => {
          if (err) {
            this.ctx.log.debug({ err, bind: bind.id }, 'SMPP session error');
          }
          this.dropBind(bind);
        },
      }),
      ip: normalizeIp(socket.remoteAddress),
      state: 'open',
      mode: null,
      account: null,
      since: this.ctx.clock.iso(),
      lastActivity: this.ctx.clock.now(),
      outstanding: new Map(),
      tps: new TpsMeter(),
      submits: 0,
    };
    this.binds.add(bind);
  }

  private handle(bind: Bind, pdu: Pdu): void {
    const { session } = bind;
    switch (pdu.command) {
      case 'bind_transceiver':
      case 'bind_transmitter':
      case 'bind_receiver':
        this.track(this.handleBind(bind, pdu));
        return;
      case 'enquire_link':
        session.respond(pdu, { command: 'enquire_link_resp' });
        return;
      case 'unbind':
        this.dropBind(bind);
        session.respond(pdu, { command: 'unbind_resp' });
        session.end();
        return;
      case 'submit_sm':
      case 'data_sm':
        this.track(this.submits.submit(bind, pdu));
        return;
      case 'query_sm':
        this.track(this.submits.query(bind, pdu));
        return;
      case 'deliver_sm_resp':
      case 'generic_nack':
        this.deliveries.onResponse(bind, pdu.sequenceNumber, pdu.commandStatus);
        return;
      case 'unbind_resp':
      case 'enquire_link_resp':
        return;
      // Not served by Pigeon's SMPP server (cancel_sm, replace_sm, submit_multi, outbind…):
      // requests get ESME_RINVCMDID, stray responses are ignored.
      case 'deliver_sm':
      case 'outbind':
      case 'other':
      case 'bind_transceiver_resp':
      case 'bind_transmitter_resp':
      case 'bind_receiver_resp':
      case 'submit_sm_resp':
      case 'data_sm_resp':
      case 'query_sm_resp':
        if (!isResponseId(pdu.commandId)) {
          session.respondError(pdu, ServerStatus.ESME_RINVCMDID);
        }
    }
  }

  /** A PDU whose body could not be read: a submit gets ESME_RINVPARLEN, anything else a nack. */
  private handleMalformed(bind: Bind, header: PduHeader, err: Error): void {
    this.ctx.log.debug({ err, bind: bind.id }, 'malformed SMPP PDU');
    if (header.commandId === CommandId.submit_sm || header.commandId === CommandId.data_sm) {
      const command = header.commandId === CommandId.data_sm ? 'data_sm' : 'submit_sm';
      this.submits.malformed(bind, { bind, command, sequenceNumber: header.sequenceNumber });
    } else if (!isResponseId(header.commandId)) {
      bind.session.respond(header, { command: 'generic_nack', commandStatus: ServerStatus.ESME_RINVCMDLEN });
    }
  }

  private async handleBind(bind: Bind, pdu: BindPdu): Promise<void> {
    const { session } = bind;
    const resp = `${pdu.command}_resp` as const;
    if (bind.state !== 'open') {
      session.respond(pdu, { command: resp, commandStatus: ServerStatus.ESME_RALYBND });
      return;
    }
    bind.state = 'binding';
    const mode = BIND_MODES[pdu.command];
    const refuse = async (reason: BindRefusal, enterpriseId: string | null): Promise<void> => {
      await this.auth.logLogin(pdu.systemId, enterpriseId, bind.ip, mode, false, reason);
      bind.state = 'closed';
      session.respond(pdu, { command: resp, commandStatus: ServerStatus.ESME_RBINDFAIL });
      session.end();
    };
    const check = await this.auth.check(pdu.systemId, pdu.password, bind.ip);
    if (!check.ok) {
      return refuse(check.reason, check.enterpriseId);
    }
    const row = check.account;
    if (session.closed) {
      bind.state = 'closed';
      return;
    }
    const account = this.accounts.state(row.id, row.enterprise_id, pdu.systemId);
    account.name = row.name;
    account.idFormat = row.smpp_id_format;
    account.systemId = pdu.systemId;
    const bound = [...account.binds].filter((b) => b.state === 'bound').length;
    if (bound >= row.smpp_max_binds) {
      return refuse('too_many_binds', row.enterprise_id);
    }
    bind.state = 'bound';
    bind.mode = mode;
    bind.account = account;
    bind.since = this.ctx.clock.iso();
    account.binds.add(bind);
    session.respond(pdu, { command: resp, systemId: 'Pigeon' });
    await this.auth.logLogin(pdu.systemId, row.enterprise_id, bind.ip, mode, true, 'ok');
    if (mode !== 'transmitter') {
      await this.deliveries.onReceiverBound(account);
    }
  }

  private dropBind(bind: Bind): void {
    if (bind.state === 'closed' && !this.binds.has(bind)) {
      return;
    }
    bind.state = 'closed';
    this.binds.delete(bind);
    const account = bind.account;
    if (!account) {
      return;
    }
    account.binds.delete(bind);
    // Unanswered deliver_sm go back to the front of the queue, in their order.
    this.deliveries.onBindGone(bind, account);
  }

  private closeIdle(): void {
    const now = this.ctx.clock.now();
    for (const bind of this.binds) {
      if (now - bind.lastActivity > this.idleTimeoutMs) {
        this.ctx.log.info({ bind: bind.id, ip: bind.ip }, 'closing an idle SMPP connection');
        const session = bind.session;
        this.dropBind(bind);
        session.destroy();
      }
    }
  }

  private track<T>(p: Promise<T>): void {
    const tracked = p.then(
      () => undefined,
      (err: unknown) => {
        this.ctx.log.error({ err }, 'SMPP server task failed');
      },
    );
    this.work.add(tracked);
    void tracked.finally(() => this.work.delete(tracked));
  }
}
