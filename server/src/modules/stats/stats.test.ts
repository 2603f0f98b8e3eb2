import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { signInAdmin, userWithPermissions, type SignedIn } from '../../../test/helpers/identity.js';
import { createTenant, type Tenant } from '../../../test/helpers/tenants.js';
import { FakeClock } from '../../platform/clock.js';
import { systemAuth } from '../../platform/auth/auth-context.js';
import { newId } from '../../platform/ids.js';
import { MESSAGE_STATUS_EVENT, type MessageStatusEvent } from '../messages/messages.contract.js';
import type { MessageStatus } from '../messages/messages.tables.js';
import type { Overview } from './stats.schemas.js';

type Body<T = unknown> = {
  code: number | string;
  data: T;
  errors?: Array<{ field: string; reason: string }>;
};

const START = Date.parse('2026-03-01T10:00:00.000Z');

function statusEvent(
  tenant: Tenant,
  status: MessageStatus,
  at: number,
  over: Partial<MessageStatusEvent> = {},
) {
  const e: MessageStatusEvent = {
    messageId: newId(),
    enterpriseId: tenant.enterpriseId,
    sendingAccountId: tenant.sendingAccountId,
    source: 'api',
    channel: 'sms',
    status,
    to: '+447700900123',
    from: 'Pigeon',
    country: 'GB',
    providerId: null,
    segments: 1,
    price: 50_000,
    clientRef: null,
    errorCode: null,
    textStart: 'hello',
    createdAt: new Date(at).toISOString(),
    at: new Date(at).toISOString(),
    ...over,
  };
  return e;
}

describe('ST-1 real-time counters and the dashboard overview', () => {
  let app: TestApp;
  let clock: FakeClock;
  let admin: SignedIn;
  let a: Tenant;
  let b: Tenant;

  const emit = (e: MessageStatusEvent) => app.ctx.events.emit(MESSAGE_STATUS_EVENT, e, e.enterpriseId);
  const overview = async (who: SignedIn, query = '') => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/v1/stats/overview${query}`,
      headers: who.headers,
    });
    return { status: res.statusCode, body: res.json<Body<Overview>>() };
  };

  beforeAll(async () => {
    clock = new FakeClock(START);
    app = await createTestApp({ clock });
    await app.ready();
    admin = await signInAdmin(app);
    a = await createTenant(app);
    b = await createTenant(app);
    await app.services.billing.ledger.recharge(systemAuth('test'), {
      enterpriseId: a.enterpriseId,
      amount: 10_000_000,
      method: 'cash',
    });
  });
  afterAll(async () => {
    await app.close();
  });

  it('counts status changes per minute and answers them before they are flushed', async () => {
    const t = START + 5_000;
    emit(statusEvent(a, 'queued', t));
    emit(statusEvent(a, 'sent', t + 1000));
    emit(statusEvent(a, 'delivered', t + 2000));
    emit(statusEvent(a, 'sent', t + 61_000));
    emit(statusEvent(a, 'failed', t + 62_000, { errorCode: 'SUBMIT_REJECTED' }));
    emit(statusEvent(b, 'sent', t + 1000));
    clock.set(START + 90_000);

    const { status, body } = await overview(admin, `?enterpriseId=${a.enterpriseId}`);
    expect(status).toBe(200);
    const o = body.data;
    expect(o.series).toHaveLength(60);
    expect(o.to).toBe('2026-03-01T10:01:00.000Z');
    const m0 = o.series.find((p) => p.minute === '2026-03-01T10:00:00.000Z');
    const m1 = o.series.find((p) => p.minute === '2026-03-01T10:01:00.000Z');
    expect(m0).toMatchObject({ submitted: 1, sent: 1, delivered: 1, failed: 0, successRate: 1 });
    expect(m1).toMatchObject({ submitted: 0, sent: 1, delivered: 0, failed: 1, successRate: 0 });
    expect(o.totals).toMatchObject({ sent: 2, delivered: 1, failed: 1, successRate: 0.5 });
    expect(o.failuresByReason).toEqual([{ reason: 'SUBMIT_REJECTED', count: 1 }]);
    expect(o.balance).toMatchObject({ enterpriseId: a.enterpriseId, balance: 10_000_000 });

    const all = (await overview(admin)).body.data;
    expect(all.enterpriseId).toBeNull();
    expect(all.totals.sent).toBe(3);
    expect(all.balance).toBeNull();
  });

  it('flushes to message_stats_minute and adds to rows already there', async () => {
    const { counters } = app.services.stats;
    await counters.flush();
    expect(counters.unflushed()).toEqual([]);
    const sentRow = () =>
      app.ctx.db
        .selectFrom('message_stats_minute')
        .selectAll()
        .where('enterprise_id', '=', a.enterpriseId)
        .where('status', '=', 'sent')
        .where('minute', '=', '2026-03-01T10:00:00.000Z')
        .executeTakeFirstOrThrow();
    expect(await sentRow()).toMatchObject({ count: 1, segments: 1, country: 'GB', channel: 'sms' });

    emit(statusEvent(a, 'sent', START + 30_000, { segments: 2 }));
    await counters.flush();
    expect(await sentRow()).toMatchObject({ count: 2, segments: 3 });
    // The overview reads the same figures from the table now.
    const o = (await overview(admin, `?enterpriseId=${a.enterpriseId}`)).body.data;
    expect(o.series.find((p) => p.minute === '2026-03-01T10:00:00.000Z')?.sent).toBe(2);
  });

  it('shows a customer its own enterprise only, and 404 for another', async () => {
    const own = await overview(a.admin);
    expect(own.status).toBe(200);
    expect(own.body.data.enterpriseId).toBe(a.enterpriseId);
    expect(own.body.data.totals.sent).toBe(3);
    expect(own.body.data.providers).toEqual([]);
    const other = await overview(a.admin, `?enterpriseId=${b.enterpriseId}`);
    expect(other.status).toBe(404);
  });

  it('refuses a caller without stats:overview:read and a malformed enterprise id', async () => {
    const nobody = await userWithPermissions(app, []);
    expect((await overview(nobody)).status).toBe(403);
    const bad = await overview(admin, '?enterpriseId=nope');
    expect(bad.status).toBe(422);
    expect(bad.body.errors?.[0]?.field).toContain('enterpriseId');
  });

  it('shows staff each provider with its health and queue depth, and customers none', async () => {
    const provider = await app.services.providers.providers.create(systemAuth('test'), {
      name: 'Tile test SMSC',
      channel: 'sms',
      type: 'smpp',
      settings: { host: '127.0.0.1', port: 2775, systemId: 'x', password: 'y' },
      enabled: false,
    });
    const messages = app.services.messages;
    const real = messages.queueDepths.bind(messages);
    messages.queueDepths = () => ({ [provider.id]: 7 });
    try {
      const tiles = (await overview(admin)).body.data.providers;
      expect(tiles).toContainEqual({
        id: provider.id,
        name: 'Tile test SMSC',
        channel: 'sms',
        enabled: false,
        frozen: false,
        health: 'unknown',
        queueDepth: 7,
      });
      expect((await overview(a.admin)).body.data.providers).toEqual([]);
    } finally {
      messages.queueDepths = real;
    }
  });

  it('averages the sends of the last ten seconds as throughput', () => {
    const { counters } = app.services.stats;
    clock.set(START + 600_000);
    for (let i = 0; i < 20; i++) {
      emit(statusEvent(b, 'sent', START + 595_000 + i * 100));
    }
    expect(counters.throughput(b.enterpriseId)).toBe(2);
    expect(counters.throughput(a.enterpriseId)).toBe(0);
    clock.set(START + 700_000);
    expect(counters.throughput(b.enterpriseId)).toBe(0);
  });
});

describe('UI-4 the console event stream (/api/v1/events)', () => {
  let app: TestApp;
  let base: string;
  let admin: SignedIn;
  let a: Tenant;
  let b: Tenant;

  /** A connected client that queues what the server sends. */
  async function connect(query = '') {
    const ws = new WebSocket(`${base}/api/v1/events${query}`);
    const inbox: Array<{ type: string; data: Record<string, unknown> }> = [];
    const waiters: Array<() => void> = [];
    let closed: { code: number; reason: string } | null = null;
    ws.on('message', (raw: Buffer) => {
      inbox.push(JSON.parse(raw.toString('utf8')) as { type: string; data: Record<string, unknown> });
      waiters.splice(0).forEach((w) => w());
    });
    ws.on('close', (code: number, reason: Buffer) => {
      closed = { code, reason: reason.toString() };
      waiters.splice(0).forEach((w) => w());
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const next = async (type: string, match: (d: Record<string, unknown>) => boolean = () => true) => {
      const deadline = Date.now() + 5000;
      for (;;) {
        const i = inbox.findIndex((m) => m.type === type && match(m.data));
        if (i >= 0) {
          return inbox.splice(i, 1)[0]!.data;
        }
        if (closed || Date.now() > deadline) {
          throw new Error(`no ${type} message (closed: ${JSON.stringify(closed)})`);
        }
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    };
    const whenClosed = async () => {
      const deadline = Date.now() + 12_000;
      while (!closed && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
      return closed;
    };
    const send = (m: unknown) => ws.send(JSON.stringify(m));
    return { ws, inbox, next, send, whenClosed };
  }

  beforeAll(async () => {
    app = await createTestApp();
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    base = `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    admin = await signInAdmin(app);
    a = await createTenant(app);
    b = await createTenant(app);
  });
  afterAll(async () => {
    await app.close();
  });

  const emit = (e: MessageStatusEvent) => app.ctx.events.emit(MESSAGE_STATUS_EVENT, e, e.enterpriseId);

  it('closes an unauthenticated connection with 4401 and one with a bad token', async () => {
    const bad = await connect('?token=not-a-token');
    expect((await bad.whenClosed())?.code).toBe(4401);
    const silent = await connect();
    silent.send({ type: 'watch', messageId: newId() });
    expect((await silent.whenClosed())?.code).toBe(4401);
  });

  it('answers a plain HTTP GET with 426', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/events' });
    expect(res.statusCode).toBe(426);
    expect(res.json<Body>().code).toBe('UPGRADE_REQUIRED');
  });

  it('accepts the token as the first message and pushes counters as they move', async () => {
    const c = await connect();
    c.send({ type: 'auth', token: admin.accessToken });
    const ready = await c.next('ready');
    expect(ready).toMatchObject({ enterpriseId: null, canSelectEnterprise: true });
    await c.next('stats');
    emit(statusEvent(a, 'sent', Date.now()));
    emit(statusEvent(a, 'delivered', Date.now()));
    const live = await c.next('stats', (d) => {
      const minutes = d.minutes as Array<{ sent: number }>;
      return minutes[1]?.sent === 1;
    });
    expect((live.minutes as Array<{ delivered: number; successRate: number }>)[1]).toMatchObject({
      delivered: 1,
      successRate: 1,
    });
    c.ws.close();
  });

  it('keeps a customer to its own enterprise: counters, balance and watched messages', async () => {
    const c = await connect(`?token=${a.admin.accessToken}`);
    expect(await c.next('ready')).toMatchObject({ enterpriseId: a.enterpriseId, canSelectEnterprise: false });
    // Asking for another enterprise changes nothing.
    c.send({ type: 'scope', enterpriseId: b.enterpriseId });
    expect(await c.next('ready')).toMatchObject({ enterpriseId: a.enterpriseId });
    const balance = await c.next('balance');
    expect(balance).toMatchObject({ enterpriseId: a.enterpriseId, balance: 0 });

    const mine = statusEvent(a, 'delivered', Date.now());
    const theirs = statusEvent(b, 'delivered', Date.now());
    c.send({ type: 'watch', messageId: mine.messageId });
    c.send({ type: 'watch', messageId: theirs.messageId });
    c.send({ type: 'ping' });
    await c.next('pong');
    emit(theirs);
    emit(mine);
    const got = await c.next(MESSAGE_STATUS_EVENT);
    expect(got).toMatchObject({ messageId: mine.messageId, status: 'delivered' });
    c.send({ type: 'ping' });
    await c.next('pong');
    expect(c.inbox.filter((m) => m.type === MESSAGE_STATUS_EVENT)).toEqual([]);

    // A recharge moves the balance tile without a reload (any billing.* event of the tenant
    // marks it; the ledger's balance-changed event is announced here as the ledger would).
    await app.services.billing.ledger.recharge(systemAuth('test'), {
      enterpriseId: a.enterpriseId,
      amount: 2_000_000,
      method: 'cash',
    });
    app.ctx.events.emit('billing.recharged', { enterpriseId: a.enterpriseId }, a.enterpriseId);
    expect(await c.next('balance', (d) => d.balance === 2_000_000)).toMatchObject({ available: 2_000_000 });
    c.ws.close();
  });

  it('pushes provider tiles to staff when a provider changes', async () => {
    const c = await connect(`?token=${admin.accessToken}`);
    await c.next('ready');
    await app.services.providers.providers.create(systemAuth('test'), {
      name: 'Pushed SMSC',
      channel: 'sms',
      type: 'smpp',
      settings: { host: '127.0.0.1', port: 2775, systemId: 'x', password: 'y' },
      enabled: false,
    });
    const tiles = await c.next('providers', (d) =>
      (d as unknown as Array<{ name: string }>).some((p) => p.name === 'Pushed SMSC'),
    );
    expect(tiles).toBeTruthy();
    c.ws.close();
  });

  it('lets staff pick an enterprise and see only its counters', async () => {
    const c = await connect(`?token=${admin.accessToken}`);
    await c.next('ready');
    c.send({ type: 'scope', enterpriseId: b.enterpriseId });
    expect(await c.next('ready')).toMatchObject({ enterpriseId: b.enterpriseId });
    emit(statusEvent(a, 'failed', Date.now(), { errorCode: 'X' }));
    emit(statusEvent(b, 'failed', Date.now(), { errorCode: 'NO_ROUTE' }));
    const s = await c.next('stats', (d) => (d.failuresByReason as unknown[]).length > 0);
    expect(s.failuresByReason).toEqual([{ reason: 'NO_ROUTE', count: 1 }]);
    c.ws.close();
  });
});
