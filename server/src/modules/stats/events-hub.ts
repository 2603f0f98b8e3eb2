// The console's one event stream (UI-4): `GET /api/v1/events` upgraded to a WebSocket.
// Browsers cannot set headers on a WebSocket, so the access token comes as a `token` query
// parameter or in the first message ({type:'auth', token}). Each connection looks at one
// enterprise (customers: their own; staff: the one they pick, or the whole platform) and gets,
// at most once a second and only when something moved: the counters of the current and the
// previous minute, throughput, failures by reason and queue depths; provider tiles when a
// provider's state changes (staff); the balance when it may have changed; and the status
// changes of the messages it watches, as they happen.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { AppContext } from '../../context.js';
import { can, isCustomer, type AuthContext } from '../../platform/auth/auth-context.js';
import { AppError } from '../../platform/http/errors.js';
import type { PigeonEvent } from '../../platform/events/bus.js';
import { MESSAGE_STATUS_EVENT, type MessageStatusEvent } from '../messages/index.js';
import { MINUTE_MS, minuteOf } from './counters.js';
import { point, type StatsService } from './stats.service.js';
import { StatsErrors } from './stats.errors.js';

export const EVENTS_PATH = '/api/v1/events';
/** Close codes (4000–4999 are the application's). */
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_BAD_REQUEST = 4400;
/** How long a connection may stay silent before it authenticates. */
const AUTH_TIMEOUT_MS = 10_000;
const TICK_MS = 1000;
const MAX_WATCHED = 100;

/** Messages a client sends. */
type ClientMessage =
  | { type: 'auth'; token: string }
  | { type: 'scope'; enterpriseId: string | null }
  | { type: 'watch'; messageId: string }
  | { type: 'unwatch'; messageId: string }
  | { type: 'ping' };

interface Connection {
  socket: WebSocket;
  request: FastifyRequest;
  auth: AuthContext | null;
  /** The enterprise looked at; null = the whole platform (staff). */
  scope: string | null;
  watched: Set<string>;
  /** Last payload sent per kind, so only changes go out. */
  last: Map<string, string>;
  balanceDirty: boolean;
  providersDirty: boolean;
}

function parse(raw: unknown): ClientMessage | null {
  try {
    const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw);
    const m = JSON.parse(text) as Record<string, unknown>;
    switch (m.type) {
      case 'auth':
        return typeof m.token === 'string' ? { type: 'auth', token: m.token } : null;
      case 'scope':
        return m.enterpriseId === null || typeof m.enterpriseId === 'string'
          ? { type: 'scope', enterpriseId: m.enterpriseId }
          : null;
      case 'watch':
      case 'unwatch':
        return typeof m.messageId === 'string' ? { type: m.type, messageId: m.messageId } : null;
      case 'ping':
        return { type: 'ping' };
      default:
        return null;
    }
  } catch {
    return null;
  }
}

/** Checks a console access token: a port of stats, answered by identity. */
export type AccessTokenCheck = (token: string, request: FastifyRequest) => Promise<AuthContext>;

export class EventsHub {
  private readonly connections = new Set<Connection>();
  private timer: NodeJS.Timeout | null = null;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly ctx: AppContext,
    private readonly stats: StatsService,
    /** Resolves a console access token into its caller (identity's authenticator). */
    private readonly fromAccessToken: AccessTokenCheck,
  ) {
    this.unsubscribe.push(
      ctx.events.on(MESSAGE_STATUS_EVENT, (e) => this.onMessageStatus(e as PigeonEvent<MessageStatusEvent>)),
      ctx.events.on('*', (e) => this.onAnyEvent(e)),
    );
  }

  get size(): number {
    return this.connections.size;
  }

  register(app: FastifyInstance): void {
    app.route({
      method: 'GET',
      url: EVENTS_PATH,
      // Authenticated by the handler (token query parameter or first message), since browsers
      // cannot send an Authorization header with a WebSocket upgrade.
      config: { public: true },
      schema: {
        tags: ['stats'],
        summary: 'The console event stream (WebSocket; authenticate with ?token= or a first auth message)',
        description:
          'Client → server: {type:"auth",token}, {type:"scope",enterpriseId}, {type:"watch",messageId}, ' +
          '{type:"unwatch",messageId}, {type:"ping"}. Server → client: ready, stats (once a second when ' +
          'changed), providers, balance, message.status, pong, error. Close 4401: not signed in.',
      },
      handler: () => {
        throw StatsErrors.upgradeRequired();
      },
      wsHandler: (socket, request) => this.accept(socket, request),
    });
  }

  private accept(socket: WebSocket, request: FastifyRequest): void {
    const conn: Connection = {
      socket,
      request,
      auth: null,
      scope: null,
      watched: new Set(),
      last: new Map(),
      balanceDirty: true,
      providersDirty: true,
    };
    this.connections.add(conn);
    socket.on('close', () => {
      this.connections.delete(conn);
      if (this.connections.size === 0) {
        this.stopTimer();
      }
    });
    socket.on('error', () => socket.terminate());
    socket.on('message', (raw) => {
      void this.onClientMessage(conn, raw);
    });
    const token = (request.query as Record<string, unknown> | undefined)?.token;
    if (typeof token === 'string' && token !== '') {
      void this.authenticate(conn, token);
    } else {
      const t = setTimeout(() => {
        if (!conn.auth) {
          socket.close(CLOSE_UNAUTHORIZED, 'UNAUTHORIZED');
        }
      }, AUTH_TIMEOUT_MS);
      t.unref();
    }
  }

  private async authenticate(conn: Connection, token: string): Promise<void> {
    const first = conn.auth === null;
    try {
      conn.auth = await this.fromAccessToken(token, conn.request);
    } catch (err) {
      const code = err instanceof AppError ? err.code : 'UNAUTHORIZED';
      conn.auth = null;
      conn.socket.close(CLOSE_UNAUTHORIZED, code);
      return;
    }
    if (first) {
      conn.scope = isCustomer(conn.auth) ? conn.auth.enterpriseId : null;
      this.send(conn, 'ready', {
        userId: conn.auth.actorId,
        enterpriseId: conn.scope,
        canSelectEnterprise: !isCustomer(conn.auth),
      });
      this.startTimer();
      await this.push(conn);
    }
  }

  private async onClientMessage(conn: Connection, raw: unknown): Promise<void> {
    const m = parse(raw);
    if (!m) {
      this.send(conn, 'error', { code: 'BAD_MESSAGE' });
      return;
    }
    if (m.type === 'auth') {
      await this.authenticate(conn, m.token);
      return;
    }
    if (!conn.auth) {
      conn.socket.close(CLOSE_UNAUTHORIZED, 'UNAUTHORIZED');
      return;
    }
    switch (m.type) {
      case 'ping':
        this.send(conn, 'pong', {});
        return;
      case 'scope':
        // Customers always look at their own enterprise, whatever they ask for.
        conn.scope = isCustomer(conn.auth) ? conn.auth.enterpriseId : m.enterpriseId;
        conn.last.clear();
        conn.balanceDirty = true;
        conn.providersDirty = true;
        this.send(conn, 'ready', {
          userId: conn.auth.actorId,
          enterpriseId: conn.scope,
          canSelectEnterprise: !isCustomer(conn.auth),
        });
        await this.push(conn);
        return;
      case 'watch':
        if (!can(conn.auth, 'messages:message:read')) {
          this.send(conn, 'error', { code: 'FORBIDDEN', permission: 'messages:message:read' });
          return;
        }
        if (conn.watched.size >= MAX_WATCHED) {
          this.send(conn, 'error', { code: 'TOO_MANY_WATCHED', max: MAX_WATCHED });
          return;
        }
        conn.watched.add(m.messageId);
        return;
      case 'unwatch':
        conn.watched.delete(m.messageId);
        return;
    }
  }

  private onMessageStatus(e: PigeonEvent<MessageStatusEvent>): void {
    const data = e.data;
    for (const conn of this.connections) {
      if (!conn.auth) {
        continue;
      }
      if (conn.scope === null || conn.scope === data.enterpriseId) {
        conn.balanceDirty ||= data.price !== 0 && conn.scope !== null;
      }
      if (!conn.watched.has(data.messageId) || !can(conn.auth, 'messages:message:read')) {
        continue;
      }
      // A customer never hears of another tenant's message, even by guessing its id.
      if (isCustomer(conn.auth) && conn.auth.enterpriseId !== data.enterpriseId) {
        continue;
      }
      this.send(conn, MESSAGE_STATUS_EVENT, data);
    }
  }

  private onAnyEvent(e: PigeonEvent): void {
    if (e.type.startsWith('provider.')) {
      for (const conn of this.connections) {
        conn.providersDirty = true;
      }
    } else if (e.type.startsWith('billing.')) {
      for (const conn of this.connections) {
        if (conn.scope !== null && (e.enterpriseId === null || e.enterpriseId === conn.scope)) {
          conn.balanceDirty = true;
        }
      }
    }
  }

  private startTimer(): void {
    if (this.timer) {
      return;
    }
    this.timer = setInterval(() => {
      void this.tick();
    }, TICK_MS);
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  /** Pushes what changed to every signed-in connection. */
  async tick(): Promise<void> {
    this.stats.counters.tick();
    await Promise.all([...this.connections].filter((c) => c.auth).map((c) => this.push(c)));
  }

  private async push(conn: Connection): Promise<void> {
    const auth = conn.auth;
    if (!auth) {
      return;
    }
    try {
      if (can(auth, 'stats:overview:read')) {
        this.sendIfChanged(conn, 'stats', this.liveStats(auth, conn.scope));
      }
      if (conn.providersDirty) {
        conn.providersDirty = false;
        const tiles = await this.stats.providerTiles(auth);
        if (tiles.length > 0 || conn.last.has('providers')) {
          this.sendIfChanged(conn, 'providers', tiles);
        }
      }
      if (conn.balanceDirty && conn.scope !== null) {
        conn.balanceDirty = false;
        const balance = await this.stats.balance(auth, conn.scope);
        if (balance) {
          this.sendIfChanged(conn, 'balance', balance);
        }
      }
    } catch (err) {
      // A deleted enterprise or provider: tell the client instead of dropping the stream.
      const code = err instanceof AppError ? err.code : 'INTERNAL_ERROR';
      this.send(conn, 'error', { code });
      if (!(err instanceof AppError)) {
        this.ctx.log.error({ err }, 'pushing live figures failed');
      }
    }
  }

  private liveStats(auth: AuthContext, scope: string | null) {
    const now = this.ctx.clock.now();
    const minute = minuteOf(now);
    const previous = minuteOf(now - MINUTE_MS);
    const counters = this.stats.counters;
    const staff = !isCustomer(auth) && can(auth, 'providers:provider:read');
    return {
      enterpriseId: scope,
      minutes: [
        point(previous, counters.liveMinute(previous, scope)),
        point(minute, counters.liveMinute(minute, scope)),
      ],
      throughput: counters.throughput(scope),
      failuresByReason: counters.liveReasons(scope),
      queues: staff ? this.stats.queueDepths() : {},
    };
  }

  private sendIfChanged(conn: Connection, type: string, data: unknown): void {
    const text = JSON.stringify(data);
    if (conn.last.get(type) === text) {
      return;
    }
    conn.last.set(type, text);
    this.send(conn, type, data);
  }

  private send(conn: Connection, type: string, data: unknown): void {
    if (conn.socket.readyState === conn.socket.OPEN) {
      conn.socket.send(JSON.stringify({ type, at: this.ctx.clock.iso(), data }));
    }
  }

  close(): void {
    this.stopTimer();
    for (const off of this.unsubscribe) {
      off();
    }
    for (const conn of this.connections) {
      conn.socket.close(1001, 'shutting down');
    }
    this.connections.clear();
  }
}
