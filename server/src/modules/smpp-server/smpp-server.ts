// The SMPP 3.4 server for customers (DL-8): sending accounts bind as ESMEs, their submit_sm /
// data_sm enter the same accept path as the HTTP API, and receipts and inbound messages go back
// as deliver_sm through a window per bind — kept in the database while nobody is bound.
import fs from 'node:fs';
import { isIP, type AddressInfo } from 'node:net';
import smpp from 'smpp';
import type { AppContext } from '../../context.js';
import { flag } from '../../platform/db/schema.js';
import { newId } from '../../platform/ids.js';
import { installRawReader, pduString, rawOf } from '../../delivery/connectors/smpp/protocol.js';
import { InboundReassembler } from '../../delivery/connectors/smpp/reassembly.js';
import type { AuditLog } from '../../platform/audit/audit.js';
import { MemoryRateLimiter } from '../../platform/http/rate-limit.js';
import { hashPassword, verifyPassword } from '../identity/passwords.js';
import { blockListOf } from '../identity/auth.service.js';
import { MESSAGE_INBOUND_EVENT, type MessageInboundEvent } from '../messages/inbox.service.js';
import type {
  AcceptOrigin,
  AcceptResult,
  MessageStatusEvent,
  SendItem,
} from '../messages/messages.contract.js';
import {
  addressToE164,
  decodeSubmitText,
  fieldsFromJson,
  fieldsToJson,
  formatSmppTime,
  fromSmppMessageId,
  isSupportedDataCoding,
  messageStateOf,
  moFields,
  parseSmppTime,
  parseSubmitPdu,
  RECEIPT_STATUS,
  receiptFields,
  ServerStatus,
  splitConcat,
  statusOfError,
  statusOfRejection,
  toSmppMessageId,
  wantsReceipt,
  type SubmitPdu,
} from './smpp-pdu.js';

export type AcceptFn = (origin: AcceptOrigin, items: SendItem[]) => Promise<AcceptResult[]>;
export type BindMode = 'transmitter' | 'receiver' | 'transceiver';

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

interface Delivery {
  kind: 'receipt' | 'mo';
  refId: string;
  fields: smpp.PduFields;
  expiresAt: number;
  /** Row in smpp_pending_deliveries, when it was kept there. */
  storedId: string | null;
  attempts: number;
}

interface Outstanding {
  delivery: Delivery;
  timer: NodeJS.Timeout;
}

interface HeldPart {
  bind: Bind;
  pdu: smpp.PDU;
}

interface HeldMessage {
  pdus: HeldPart[];
  first: SubmitPdu;
  timer: NodeJS.Timeout;
}

/** Submits per second over a sliding 10-second window, in one-second buckets. */
class TpsMeter {
  private readonly counts = new Array<number>(10).fill(0);
  private readonly seconds = new Array<number>(10).fill(-1);

  tick(nowMs: number): void {
    const s = Math.floor(nowMs / 1000);
    const i = s % 10;
    if (this.seconds[i] !== s) {
      this.seconds[i] = s;
      this.counts[i] = 0;
    }
    this.counts[i] = (this.counts[i] ?? 0) + 1;
  }

  rate(nowMs: number): number {
    const s = Math.floor(nowMs / 1000);
    let sum = 0;
    for (let i = 0; i < 10; i++) {
      const at = this.seconds[i] ?? -1;
      if (at > s - 10 && at <= s) {
        sum += this.counts[i] ?? 0;
      }
    }
    return sum / 10;
  }
}

interface Bind {
  id: string;
  session: smpp.Session;
  ip: string;
  state: 'open' | 'binding' | 'bound' | 'closed';
  mode: BindMode | null;
  account: AccountState | null;
  since: string;
  lastActivity: number;
  outstanding: Map<number, Outstanding>;
  tps: TpsMeter;
  submits: number;
}

interface AccountState {
  id: string;
  enterpriseId: string;
  name: string;
  systemId: string;
  idFormat: 'hex' | 'decimal';
  binds: Set<Bind>;
  queue: Delivery[];
  /** storedIds in `queue` or outstanding on a bind (so a reload does not double them). */
  inMemory: Set<string>;
  reassembler: InboundReassembler;
  held: Map<string, HeldMessage>;
  nextMoReference: number;
  turn: number;
}

/** Receipt preferences of a message accepted over SMPP (registered_delivery, validity). */
interface ReceiptRequest {
  mask: number;
  retentionMs: number | null;
}

const MAX_DELIVERY_ATTEMPTS = 5;
/** Failed binds per IP, as console sign-ins (ID-8): 30 at once, then one every 20 s. */
const BIND_FAILURE_BURST = 30;
const BIND_FAILURE_RATE = 1 / 20;
const RETRY_DELAY_MS = 1_000;
const MAX_TRACKED = 1_000_000;

function normalizeIp(address: string | undefined): string {
  const a = address ?? '';
  return a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

export class SmppServer {
  private server: smpp.Server | null = null;
  private readonly binds = new Set<Bind>();
  private readonly accounts = new Map<string, AccountState>();
  private readonly receiptRequests = new Map<string, ReceiptRequest>();
  private readonly work = new Set<Promise<unknown>>();
  /** deliver_sm the ESME refused, waiting to be offered again. */
  private readonly retries = new Map<NodeJS.Timeout, { account: AccountState; delivery: Delivery }>();
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly unsubscribe: Array<() => void> = [];
  private readonly bindFailures: MemoryRateLimiter;
  /** Verified against when the system_id is unknown, so both refusals take as long. */
  private dummyHash: Promise<string> | null = null;
  private actualPort = 0;
  private readonly idleTimeoutMs: number;
  private readonly windowSize: number;
  private readonly responseTimeoutMs: number;
  private readonly reassemblyTimeoutMs: number;
  private readonly defaultRetentionMs: number;

  constructor(
    private readonly ctx: AppContext,
    private readonly options: SmppServerOptions,
  ) {
    this.idleTimeoutMs = options.idleTimeoutMs ?? 120_000;
    this.windowSize = options.windowSize ?? 10;
    this.responseTimeoutMs = options.responseTimeoutMs ?? 10_000;
    this.reassemblyTimeoutMs = options.reassemblyTimeoutMs ?? 60_000;
    this.defaultRetentionMs = options.defaultRetentionMs ?? 24 * 3600_000;
    this.bindFailures = new MemoryRateLimiter(ctx.clock);
  }

  /** The port listened on (0 before start). */
  get port(): number {
    return this.actualPort;
  }

  get isListening(): boolean {
    return this.server !== null;
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
      this.ctx.events.on('message.status', (e) => this.track(this.onStatus(e.data as MessageStatusEvent))),
      this.ctx.events.on(MESSAGE_INBOUND_EVENT, (e) =>
        this.track(this.onInbound(e.data as MessageInboundEvent)),
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
        : {};
    const server = smpp.createServer(tls, (session) => this.onSession(session));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host ?? '0.0.0.0', () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.ctx.log.error({ err }, 'SMPP server error'));
    this.server = server;
    this.actualPort = (server.address() as AddressInfo).port;
    this.idleTimer = setInterval(
      () => this.closeIdle(),
      Math.max(50, Math.min(this.idleTimeoutMs / 4, 5_000)),
    );
    this.idleTimer.unref();
    return this.actualPort;
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
    const server = this.server;
    this.server = null;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    for (const bind of [...this.binds]) {
      this.dropBind(bind);
      bind.session.destroy();
    }
    for (const [timer, { account, delivery }] of this.retries) {
      clearTimeout(timer);
      account.queue.push(delivery);
    }
    this.retries.clear();
    for (const account of this.accounts.values()) {
      for (const held of account.held.values()) {
        clearTimeout(held.timer);
      }
      account.held.clear();
      account.reassembler.clear();
      const queued = account.queue.splice(0);
      this.track(this.persist(account, queued));
    }
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
    const kill = setTimeout(() => session.destroy(), 2_000);
    kill.unref();
    const sent = session.send(new smpp.PDU('unbind'), () => {
      clearTimeout(kill);
      session.close();
    });
    if (!sent) {
      clearTimeout(kill);
      session.destroy();
    }
    return true;
  }

  // --- sessions ---------------------------------------------------------------------------

  private onSession(session: smpp.Session): void {
    session.socket.setNoDelay(true);
    installRawReader(session);
    const bind: Bind = {
      id: newId(),
      session,
      ip: normalizeIp(session.socket.remoteAddress),
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
    session.on('error', (err: Error) => this.ctx.log.debug({ err, bind: bind.id }, 'SMPP session error'));
    session.on('close', () => this.dropBind(bind));
    session.on('pdu', (pdu: smpp.PDU) => {
      bind.lastActivity = this.ctx.clock.now();
      this.handle(bind, pdu);
    });
  }

  private handle(bind: Bind, pdu: smpp.PDU): void {
    const { session } = bind;
    switch (pdu.command) {
      case 'bind_transceiver':
      case 'bind_transmitter':
      case 'bind_receiver':
        this.track(this.handleBind(bind, pdu));
        return;
      case 'enquire_link':
        session.send(pdu.response());
        return;
      case 'unbind':
        this.dropBind(bind);
        session.send(pdu.response(), () => session.close());
        return;
      case 'submit_sm':
      case 'data_sm':
        this.track(this.handleSubmit(bind, pdu));
        return;
      case 'query_sm':
        this.track(this.handleQuery(bind, pdu));
        return;
      case 'deliver_sm_resp':
      case 'generic_nack':
        this.handleDeliveryResponse(bind, pdu);
        return;
      case 'unbind_resp':
      case 'enquire_link_resp':
        return;
      default:
        if (!pdu.isResponse()) {
          session.send(pdu.response({ command_status: ServerStatus.ESME_RINVCMDID }));
        }
    }
  }

  private async handleBind(bind: Bind, pdu: smpp.PDU): Promise<void> {
    const { session } = bind;
    if (bind.state !== 'open') {
      session.send(pdu.response({ command_status: ServerStatus.ESME_RALYBND }));
      return;
    }
    bind.state = 'binding';
    const systemId = pduString(pdu.system_id);
    const password = pduString(pdu.password);
    const mode = pdu.command.slice('bind_'.length) as BindMode;
    const row = await this.ctx.db
      .selectFrom('sending_accounts as a')
      .innerJoin('enterprises as e', 'e.id', 'a.enterprise_id')
      .select([
        'a.id',
        'a.name',
        'a.enterprise_id',
        'a.status',
        'a.smpp_password_hash',
        'a.smpp_max_binds',
        'a.smpp_ip_allowlist',
        'a.smpp_id_format',
        'e.status as enterprise_status',
      ])
      .where('a.smpp_system_id', '=', systemId)
      .executeTakeFirst();
    const refuse = async (reason: string): Promise<void> => {
      await this.logLogin(systemId, row?.enterprise_id ?? null, bind, mode, false, reason);
      bind.state = 'closed';
      session.send(pdu.response({ command_status: ServerStatus.ESME_RBINDFAIL }), () => session.close());
    };
    const failureKey = `smpp-bind-fail:${bind.ip}`;
    if (this.bindFailures.peek(failureKey, BIND_FAILURE_RATE, BIND_FAILURE_BURST) > 0) {
      return refuse('ip_rate_limited');
    }
    if (!row || !row.smpp_password_hash) {
      this.dummyHash ??= hashPassword('no such SMPP account');
      await verifyPassword(await this.dummyHash, password);
      this.bindFailures.take(failureKey, BIND_FAILURE_RATE, BIND_FAILURE_BURST);
      return refuse('unknown_system_id');
    }
    if (!(await verifyPassword(row.smpp_password_hash, password))) {
      this.bindFailures.take(failureKey, BIND_FAILURE_RATE, BIND_FAILURE_BURST);
      return refuse('wrong_password');
    }
    if (row.status !== 'active' || row.enterprise_status !== 'active') {
      return refuse('account_suspended');
    }
    const allowlist = JSON.parse(row.smpp_ip_allowlist) as string[];
    if (
      allowlist.length > 0 &&
      !blockListOf(allowlist).check(bind.ip, isIP(bind.ip) === 6 ? 'ipv6' : 'ipv4')
    ) {
      return refuse('ip_not_allowed');
    }
    if (session.socket.destroyed) {
      bind.state = 'closed';
      return;
    }
    const account = this.accountState(row.id, row.enterprise_id, systemId);
    account.name = row.name;
    account.idFormat = row.smpp_id_format;
    account.systemId = systemId;
    const bound = [...account.binds].filter((b) => b.state === 'bound').length;
    if (bound >= row.smpp_max_binds) {
      return refuse('too_many_binds');
    }
    bind.state = 'bound';
    bind.mode = mode;
    bind.account = account;
    bind.since = this.ctx.clock.iso();
    account.binds.add(bind);
    session.send(pdu.response({ system_id: 'Pigeon' }));
    await this.logLogin(systemId, row.enterprise_id, bind, mode, true, 'ok');
    if (mode !== 'transmitter') {
      await this.loadPending(account);
      this.flush(account);
    }
  }

  private async logLogin(
    systemId: string,
    enterpriseId: string | null,
    bind: Bind,
    mode: BindMode,
    success: boolean,
    reason: string,
  ): Promise<void> {
    try {
      await this.options.audit.login({
        user_id: null,
        username: systemId.slice(0, 100),
        enterprise_id: enterpriseId,
        channel: 'smpp',
        ip: bind.ip,
        user_agent: `SMPP bind_${mode}`,
        success: flag(success),
        reason,
      });
    } catch (err) {
      this.ctx.log.error({ err }, 'failed to write the SMPP login log');
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
    const back = [...bind.outstanding.values()].map((o) => {
      clearTimeout(o.timer);
      return o.delivery;
    });
    bind.outstanding.clear();
    account.queue.unshift(...back);
    if (this.receivers(account).length === 0) {
      const queued = account.queue.splice(0);
      this.track(this.persist(account, queued));
    } else {
      this.flush(account);
    }
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

  // --- submits ----------------------------------------------------------------------------

  private async handleSubmit(bind: Bind, pdu: smpp.PDU): Promise<void> {
    const { session } = bind;
    const respond = (status: number, messageId?: string): void => {
      if (!session.socket.destroyed) {
        session.send(
          pdu.response(
            status === ServerStatus.ESME_ROK ? { message_id: messageId ?? '' } : { command_status: status },
          ),
        );
      }
    };
    const account = bind.account;
    if (bind.state !== 'bound' || !account || bind.mode === 'receiver') {
      respond(ServerStatus.ESME_RINVBNDSTS);
      return;
    }
    bind.tps.tick(this.ctx.clock.now());
    bind.submits++;
    const raw = rawOf(pdu);
    let sm: SubmitPdu;
    try {
      if (!raw) {
        throw new RangeError('no octets');
      }
      sm = parseSubmitPdu(raw);
    } catch {
      respond(ServerStatus.ESME_RINVPARLEN);
      return;
    }
    if (!isSupportedDataCoding(sm.dataCoding)) {
      respond(ServerStatus.ESME_RINVDCS);
      return;
    }
    const now = this.ctx.clock.date();
    const sendAt = parseSmppTime(sm.scheduleDeliveryTime, now);
    if (sendAt === 'invalid') {
      respond(ServerStatus.ESME_RINVSCHED);
      return;
    }
    const validUntil = parseSmppTime(sm.validityPeriod, sendAt ?? now);
    if (validUntil === 'invalid' || (validUntil && validUntil.getTime() <= (sendAt ?? now).getTime())) {
      respond(ServerStatus.ESME_RINVEXPIRY);
      return;
    }
    const { payload, concat } = splitConcat(sm);
    let text: string | null;
    let parts: HeldPart[];
    if (concat) {
      if (concat.sequence < 1 || concat.sequence > concat.total) {
        respond(ServerStatus.ESME_RINVESMCLASS);
        return;
      }
      const key = `${sm.source}\u0000${sm.destination}\u0000${concat.reference}\u0000${concat.total}`;
      let held = account.held.get(key);
      if (!held) {
        const timer = setTimeout(() => this.expireHeld(account, key), this.reassemblyTimeoutMs);
        timer.unref();
        held = { pdus: [], first: sm, timer };
        account.held.set(key, held);
      }
      held.pdus.push({ bind, pdu });
      const whole = account.reassembler.add({
        from: sm.source,
        to: sm.destination,
        dataCoding: sm.dataCoding,
        payload,
        concat,
      });
      if (!whole) {
        return; // answered with the whole message
      }
      clearTimeout(held.timer);
      account.held.delete(key);
      text = whole.text;
      parts = held.pdus;
      sm = held.first;
    } else {
      text = decodeSubmitText(payload, sm.dataCoding);
      parts = [{ bind, pdu }];
    }
    const answer = (status: number, messageId?: string): void => {
      for (const part of parts) {
        if (!part.bind.session.socket.destroyed) {
          part.bind.session.send(
            part.pdu.response(
              status === ServerStatus.ESME_ROK ? { message_id: messageId ?? '' } : { command_status: status },
            ),
          );
        }
      }
    };
    const mask = sm.registeredDelivery & 0x03;
    const item: SendItem = {
      channel: 'sms',
      to: addressToE164(sm.destination, sm.destTon),
      text: text ?? '',
    };
    if (sm.source !== '') {
      item.from = sm.sourceTon === 1 ? addressToE164(sm.source, 1) : sm.source;
    }
    if (sendAt) {
      item.sendAt = sendAt.toISOString();
    }
    let retentionMs: number | null = null;
    if (validUntil) {
      const seconds = Math.max(1, Math.round((validUntil.getTime() - (sendAt ?? now).getTime()) / 1000));
      item.validityPeriod = seconds;
      retentionMs = seconds * 1000;
    }
    if (mask !== 0) {
      item.metadata = { smpp_dlr: String(mask) };
      if (retentionMs !== null) {
        item.metadata.smpp_validity = String(retentionMs / 1000);
      }
    }
    let result: AcceptResult | undefined;
    try {
      [result] = await this.options.accept({ accountId: account.id, source: 'smpp' }, [item]);
    } catch (err) {
      const status = statusOfError(err);
      if (status === ServerStatus.ESME_RSYSERR) {
        this.ctx.log.error({ err, account: account.id }, 'SMPP submit failed');
      }
      answer(status);
      return;
    }
    if (!result) {
      answer(ServerStatus.ESME_RSYSERR);
      return;
    }
    if (!result.ok) {
      answer(statusOfRejection(result));
      return;
    }
    this.rememberReceiptRequest(result.id, { mask, retentionMs });
    answer(ServerStatus.ESME_ROK, toSmppMessageId(result.id, account.idFormat));
  }

  /** query_sm: the state of one of the account's messages, by the id its submit was answered with. */
  private async handleQuery(bind: Bind, pdu: smpp.PDU): Promise<void> {
    const { session } = bind;
    const account = bind.account;
    if (bind.state !== 'bound' || !account || bind.mode === 'receiver') {
      session.send(pdu.response({ command_status: ServerStatus.ESME_RINVBNDSTS }));
      return;
    }
    const smppId = pduString(pdu.message_id);
    const messageId = fromSmppMessageId(smppId, account.idFormat);
    if (!messageId) {
      session.send(pdu.response({ command_status: ServerStatus.ESME_RINVMSGID }));
      return;
    }
    const row = await this.ctx.db
      .selectFrom('messages')
      .select(['status', 'done_at', 'error_code'])
      .where('id', '=', messageId)
      .where('sending_account_id', '=', account.id)
      .executeTakeFirst();
    if (!row) {
      session.send(pdu.response({ command_status: ServerStatus.ESME_RQUERYFAIL }));
      return;
    }
    const errorCode = row.error_code && /^\d+$/.test(row.error_code) ? Number(row.error_code) & 0xff : 0;
    session.send(
      pdu.response({
        message_id: smppId,
        final_date: row.done_at ? formatSmppTime(new Date(row.done_at)) : '',
        message_state: messageStateOf(row.status),
        error_code: errorCode,
      }),
    );
  }

  private expireHeld(account: AccountState, key: string): void {
    const held = account.held.get(key);
    if (!held) {
      return;
    }
    account.held.delete(key);
    for (const part of held.pdus) {
      if (!part.bind.session.socket.destroyed) {
        part.bind.session.send(part.pdu.response({ command_status: ServerStatus.ESME_RSUBMITFAIL }));
      }
    }
  }

  private rememberReceiptRequest(messageId: string, request: ReceiptRequest): void {
    if (this.receiptRequests.size >= MAX_TRACKED) {
      const oldest = this.receiptRequests.keys().next().value;
      if (oldest !== undefined) {
        this.receiptRequests.delete(oldest);
      }
    }
    this.receiptRequests.set(messageId, request);
  }

  // --- receipts and inbound ---------------------------------------------------------------

  private async onStatus(e: MessageStatusEvent): Promise<void> {
    if (e.source !== 'smpp' || e.channel !== 'sms') {
      return;
    }
    const status = RECEIPT_STATUS[e.status];
    if (!status) {
      return;
    }
    let request = this.receiptRequests.get(e.messageId);
    if (request) {
      this.receiptRequests.delete(e.messageId);
    } else {
      // Accepted before a restart (or by another node): the submit's wishes are in metadata.
      const row = await this.ctx.db
        .selectFrom('messages')
        .select('metadata')
        .where('id', '=', e.messageId)
        .executeTakeFirst();
      const metadata = row ? (JSON.parse(row.metadata) as Record<string, string>) : {};
      const validity = Number(metadata.smpp_validity);
      request = {
        mask: Number(metadata.smpp_dlr ?? 0),
        retentionMs: Number.isFinite(validity) && validity > 0 ? validity * 1000 : null,
      };
    }
    if (!wantsReceipt(request.mask, status)) {
      return;
    }
    const account = await this.loadAccount(e.sendingAccountId);
    if (!account) {
      return;
    }
    const doneAt = new Date(e.at);
    const fields = receiptFields({
      smppId: toSmppMessageId(e.messageId, account.idFormat),
      status,
      to: e.to,
      from: e.from,
      submittedAt: new Date(e.createdAt),
      doneAt,
      errorCode: e.errorCode,
      textStart: e.textStart,
    });
    await this.enqueue(account, [
      {
        kind: 'receipt',
        refId: e.messageId,
        fields,
        expiresAt: this.ctx.clock.now() + (request.retentionMs ?? this.defaultRetentionMs),
        storedId: null,
        attempts: 0,
      },
    ]);
  }

  private async onInbound(e: MessageInboundEvent): Promise<void> {
    if (!e.sendingAccountId) {
      return; // matched to no account: nobody to deliver it to
    }
    const account = await this.loadAccount(e.sendingAccountId);
    if (!account) {
      return; // not an SMPP account: the inbox forwards it by callback only
    }
    const expiresAt = this.ctx.clock.now() + this.defaultRetentionMs;
    account.nextMoReference = (account.nextMoReference + 1) & 0xff;
    const deliveries = moFields(e.from, e.to, e.text, account.nextMoReference).map((fields): Delivery => ({
      kind: 'mo',
      refId: e.inboundId,
      fields,
      expiresAt,
      storedId: null,
      attempts: 0,
    }));
    await this.enqueue(account, deliveries);
  }

  private accountState(id: string, enterpriseId: string, systemId: string): AccountState {
    let account = this.accounts.get(id);
    if (!account) {
      account = {
        id,
        enterpriseId,
        name: '',
        systemId,
        idFormat: 'hex',
        binds: new Set(),
        queue: [],
        inMemory: new Set(),
        reassembler: new InboundReassembler(
          this.reassemblyTimeoutMs,
          () => undefined,
          () => this.ctx.clock.date(),
        ),
        held: new Map(),
        nextMoReference: 0,
        turn: 0,
      };
      this.accounts.set(id, account);
    }
    return account;
  }

  /** The account's state, loading it when unknown; null when it has no SMPP system_id. */
  private async loadAccount(id: string): Promise<AccountState | null> {
    const known = this.accounts.get(id);
    if (known) {
      return known;
    }
    const row = await this.ctx.db
      .selectFrom('sending_accounts')
      .select(['id', 'enterprise_id', 'name', 'smpp_system_id', 'smpp_id_format'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row || !row.smpp_system_id) {
      return null;
    }
    const account = this.accountState(row.id, row.enterprise_id, row.smpp_system_id);
    if (account.binds.size === 0) {
      account.name = row.name;
      account.idFormat = row.smpp_id_format;
    }
    return account;
  }

  private receivers(account: AccountState): Bind[] {
    return [...account.binds].filter(
      (b) => b.state === 'bound' && b.mode !== 'transmitter' && !b.session.socket.destroyed,
    );
  }

  private async enqueue(account: AccountState, deliveries: Delivery[]): Promise<void> {
    if (this.receivers(account).length > 0 && this.server) {
      account.queue.push(...deliveries);
      this.flush(account);
      return;
    }
    await this.persist(account, deliveries);
    // A receiver may have bound while the rows were written: hand them over now.
    if (this.receivers(account).length > 0 && this.server) {
      await this.loadPending(account);
      this.flush(account);
    }
  }

  /** Keeps deliveries for the next receiver bind (rows already kept stay as they are). */
  private async persist(account: AccountState, deliveries: Delivery[]): Promise<void> {
    const now = this.ctx.clock.now();
    const rows = deliveries
      .filter((d) => {
        if (d.storedId) {
          account.inMemory.delete(d.storedId);
          return false;
        }
        return d.expiresAt > now;
      })
      .map((d) => ({
        id: newId(),
        enterprise_id: account.enterpriseId,
        sending_account_id: account.id,
        kind: d.kind,
        ref_id: d.refId,
        pdu: fieldsToJson(d.fields),
        expires_at: new Date(d.expiresAt).toISOString(),
        created_at: this.ctx.clock.iso(),
      }));
    for (let i = 0; i < rows.length; i += 200) {
      await this.ctx.db
        .insertInto('smpp_pending_deliveries')
        .values(rows.slice(i, i + 200))
        .execute();
    }
  }

  /** Moves the account's kept deliveries into its queue (expired ones are deleted). */
  private async loadPending(account: AccountState): Promise<void> {
    const nowIso = this.ctx.clock.iso();
    await this.ctx.db
      .deleteFrom('smpp_pending_deliveries')
      .where('sending_account_id', '=', account.id)
      .where('expires_at', '<=', nowIso)
      .execute();
    const rows = await this.ctx.db
      .selectFrom('smpp_pending_deliveries')
      .selectAll()
      .where('sending_account_id', '=', account.id)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    for (const row of rows) {
      if (account.inMemory.has(row.id)) {
        continue;
      }
      account.inMemory.add(row.id);
      account.queue.push({
        kind: row.kind,
        refId: row.ref_id,
        fields: fieldsFromJson(row.pdu),
        expiresAt: Date.parse(row.expires_at),
        storedId: row.id,
        attempts: 0,
      });
    }
  }

  private forget(account: AccountState, delivery: Delivery): void {
    const id = delivery.storedId;
    if (id) {
      account.inMemory.delete(id);
      this.track(this.ctx.db.deleteFrom('smpp_pending_deliveries').where('id', '=', id).execute());
    }
  }

  /** Sends queued deliver_sm to the account's receiver binds, each up to its window. */
  private flush(account: AccountState): void {
    const receivers = this.receivers(account);
    if (receivers.length === 0) {
      return;
    }
    const now = this.ctx.clock.now();
    while (account.queue.length > 0) {
      let bind: Bind | undefined;
      for (let i = 0; i < receivers.length; i++) {
        const candidate = receivers[(account.turn + i) % receivers.length];
        if (candidate && candidate.outstanding.size < this.windowSize) {
          bind = candidate;
          account.turn = (account.turn + i + 1) % receivers.length;
          break;
        }
      }
      if (!bind) {
        return; // every window is full: the next response sends more
      }
      const delivery = account.queue.shift();
      if (!delivery) {
        return;
      }
      if (delivery.expiresAt <= now) {
        this.forget(account, delivery);
        continue;
      }
      const pdu = new smpp.PDU('deliver_sm', delivery.fields);
      if (!bind.session.send(pdu)) {
        account.queue.unshift(delivery);
        return;
      }
      const target = bind;
      const seq = pdu.sequence_number;
      const timer = setTimeout(() => this.onDeliveryTimeout(target, seq), this.responseTimeoutMs);
      timer.unref();
      bind.outstanding.set(seq, { delivery, timer });
    }
  }

  private onDeliveryTimeout(bind: Bind, seq: number): void {
    const entry = bind.outstanding.get(seq);
    const account = bind.account;
    if (!entry || !account) {
      return;
    }
    bind.outstanding.delete(seq);
    account.queue.unshift(entry.delivery);
    this.flush(account);
  }

  private handleDeliveryResponse(bind: Bind, pdu: smpp.PDU): void {
    const entry = bind.outstanding.get(pdu.sequence_number);
    const account = bind.account;
    if (!entry || !account) {
      return;
    }
    clearTimeout(entry.timer);
    bind.outstanding.delete(pdu.sequence_number);
    const { delivery } = entry;
    if (pdu.command_status === ServerStatus.ESME_ROK) {
      this.forget(account, delivery);
    } else if (++delivery.attempts < MAX_DELIVERY_ATTEMPTS) {
      // The ESME cannot take it now: offer it again a little later.
      const timer = setTimeout(() => {
        this.retries.delete(timer);
        if (this.receivers(account).length > 0) {
          account.queue.push(delivery);
          this.flush(account);
        } else {
          this.track(this.persist(account, [delivery]));
        }
      }, RETRY_DELAY_MS);
      timer.unref();
      this.retries.set(timer, { account, delivery });
    } else {
      this.ctx.log.warn(
        { account: account.id, kind: delivery.kind, ref: delivery.refId, status: pdu.command_status },
        'the ESME refused a deliver_sm; giving up',
      );
      this.forget(account, delivery);
    }
    this.flush(account);
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
