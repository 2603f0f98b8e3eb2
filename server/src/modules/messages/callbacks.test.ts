// MS-8 customer callbacks: the outbox written in the transaction of each status change and
// inbound message, delivery to a real HTTP receiver
// on loopback, signatures verified as the README says, retries driven by a fake clock, the
// dead letter after 24 hours, manual re-send and the API's tenant scope.
import http from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { login, signInAdmin, type SignedIn } from '../../../test/helpers/identity.js';
import { createTenant, type Tenant } from '../../../test/helpers/tenants.js';
import { FakeClock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { StatusChange } from './lifecycle.effects.js';
import type { MessageStatus } from './messages.tables.js';
import type { MessageInboundEvent } from './inbox.service.js';
import { backoffDelay, DEFAULT_BACKOFF } from './callbacks.dispatcher.js';

interface Body<T> {
  code: number | string;
  data: T;
  pagination?: { nextCursor: string | null };
}
interface Callback {
  id: string;
  status: string;
  attempts: number;
  event: string;
  referenceId: string;
  payload: string;
  lastStatusCode: number | null;
}
interface Attempt {
  attempt: number;
  outcome: string;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}
interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  answered: number;
}

const HOUR = 60 * 60 * 1000;
const clock = new FakeClock(Date.parse('2026-06-01T00:00:00.000Z'));
let app: TestApp;
let admin: SignedIn;
let a: Tenant;
let b: Tenant;
let receiver: http.Server;
let base: string;
const received: Received[] = [];
/** Per path: the status codes to answer with, in order; the last one repeats. */
const plans = new Map<string, number[]>();

/** Access tokens expire as the fake clock moves on: sign in again when the last one is old. */
const sessions = new Map<string, { headers: Record<string, string>; at: number }>();
async function headersOf(who: SignedIn): Promise<Record<string, string>> {
  const hit = sessions.get(who.username);
  if (hit && clock.now() - hit.at < 5 * 60 * 1000) {
    return hit.headers;
  }
  const fresh = await login(app, who.username, who.password);
  sessions.set(who.username, { headers: fresh.headers, at: clock.now() });
  return fresh.headers;
}

async function call<T = Record<string, unknown>>(
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  who: SignedIn,
  payload?: unknown,
): Promise<{ status: number; body: Body<T> }> {
  const res = await app.inject({
    method,
    url,
    headers: await headersOf(who),
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
  return { status: res.statusCode, body: res.json<Body<T>>() };
}

/** A status change as the lifecycle hands it to the outbox writer. */
function statusChange(tenant: Tenant, status: MessageStatus, messageId = newId()): StatusChange {
  return {
    row: {
      id: messageId,
      enterprise_id: tenant.enterpriseId,
      sending_account_id: tenant.sendingAccountId,
      source: 'api',
      channel: 'sms',
      recipient: '+14155550100',
      country: 'US',
      sender: 'PIGEON',
      subject: null,
      body: 'Hello',
      html: null,
      segments: 1,
      smart_encoding: 0,
      priority: 'normal',
      status,
      client_ref: 'ref-1',
      send_at: null,
      expires_at: null,
      price: 5000,
      refund_on_failure: 1,
      refunded: 0,
      provider_id: null,
      attempts: 0,
      tried_providers: '[]',
      sent_at: null,
      created_at: clock.iso(),
    },
    from: 'sending',
    at: clock.iso(),
    errorCode: null,
  };
}

/** Writes status changes as the lifecycle does: inside one transaction. */
async function writeStatus(...changes: StatusChange[]): Promise<void> {
  await app.ctx.db.transaction().execute((trx) => tc().outbox.writeStatusChanges(trx, changes));
}

async function writeInbound(e: MessageInboundEvent): Promise<void> {
  await app.ctx.db.transaction().execute((trx) => tc().outbox.writeInbound(trx, e));
}

async function setUrls(tenant: Tenant, urls: { statusCallbackUrl?: string; inboundCallbackUrl?: string }) {
  const res = await call('PATCH', `/api/v1/customers/sending/${tenant.sendingAccountId}`, tenant.admin, urls);
  expect(res.status).toBe(200);
}

const tc = () => app.services.messages;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const plan = plans.get(req.url ?? '') ?? [200];
      const answered = plan.length > 1 ? (plan.shift() as number) : (plan[0] as number);
      received.push({ path: req.url ?? '', headers: req.headers, body, answered });
      if (answered === 0) {
        return; // never answers: the dispatcher times out
      }
      res.writeHead(answered, { 'content-type': 'text/plain' }).end(answered < 300 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  app = await createTestApp({ clock, config: { callbackTimeoutMs: 500 } });
  await app.ready();
  admin = await signInAdmin(app);
  a = await createTenant(app);
  b = await createTenant(app);
});
afterAll(async () => {
  await app.services.identity.auth.flushKeyUsage();
  await app.close();
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

describe('MS-8 callback delivery', () => {
  it('delivers exactly once to a receiver that fails twice, logs three attempts, and the signature verifies', async () => {
    plans.set('/a/status', [500, 502, 200]);
    await setUrls(a, { statusCallbackUrl: `${base}/a/status` });
    const messageId = newId();
    // `queued` is not called back; `delivered` is.
    await writeStatus(statusChange(a, 'queued', messageId));
    await writeStatus(statusChange(a, 'delivered', messageId));
    await tc().dispatcher.runDue();
    const mine = () => received.filter((r) => r.path === '/a/status');
    expect(mine().map((r) => r.answered)).toEqual([500]);

    // Nothing more until the backoff has passed.
    await tc().dispatcher.runDue();
    expect(mine()).toHaveLength(1);
    clock.advance(2 * HOUR);
    await tc().dispatcher.runDue();
    expect(mine().map((r) => r.answered)).toEqual([500, 502]);
    clock.advance(2 * HOUR);
    await tc().dispatcher.runDue();
    const deliveredAt = clock.now();
    expect(mine().map((r) => r.answered)).toEqual([500, 502, 200]);
    // Delivered once: nothing is sent again later.
    clock.advance(2 * HOUR);
    await tc().dispatcher.runDue();
    expect(mine()).toHaveLength(3);

    const list = await call<Callback[]>('GET', `/api/v1/callbacks?referenceId=${messageId}`, a.admin);
    expect(list.body.data).toHaveLength(1);
    const cb = list.body.data[0] as Callback;
    expect(cb).toMatchObject({
      status: 'delivered',
      attempts: 3,
      event: 'message.status',
      lastStatusCode: 200,
    });
    const attempts = await call<Attempt[]>('GET', `/api/v1/callbacks/${cb.id}/attempts`, a.admin);
    expect(attempts.body.data.map((x) => [x.attempt, x.outcome, x.statusCode])).toEqual([
      [1, 'failed', 500],
      [2, 'failed', 502],
      [3, 'delivered', 200],
    ]);
    expect(attempts.body.data[0]?.error).toBe('HTTP 500');
    expect(attempts.body.data.every((x) => x.latencyMs >= 0)).toBe(true);

    // The README's verification steps, done by hand with the account's secret.
    const secret = await call<{ secret: string }>(
      'GET',
      `/api/v1/callbacks/accounts/${a.sendingAccountId}/secret`,
      a.admin,
    );
    const last = mine()[2] as Received;
    const timestamp = last.headers['x-pigeon-timestamp'] as string;
    const signature = last.headers['x-pigeon-signature'] as string;
    expect(last.headers['x-pigeon-event']).toBe('message.status');
    expect(last.headers['x-pigeon-delivery']).toBe(cb.id);
    expect(Number(timestamp)).toBe(Math.floor(deliveredAt / 1000));
    const expected =
      'v1=' + createHmac('sha256', secret.body.data.secret).update(`${timestamp}.${last.body}`).digest('hex');
    expect(timingSafeEqual(Buffer.from(signature), Buffer.from(expected))).toBe(true);
    const tampered =
      'v1=' +
      createHmac('sha256', secret.body.data.secret).update(`${timestamp}.${last.body} `).digest('hex');
    expect(signature).not.toBe(tampered);
    expect(JSON.parse(last.body)).toMatchObject({
      id: cb.id,
      event: 'message.status',
      data: { messageId, status: 'delivered', to: '+14155550100', clientRef: 'ref-1' },
    });
    expect(last.body).toBe(cb.payload);
  });

  it('retries an unreachable receiver for 24 hours, then dead-letters it; a manual re-send delivers it', async () => {
    plans.set('/a/inbound', [503]);
    await setUrls(a, { inboundCallbackUrl: `${base}/a/inbound` });
    const inbound: MessageInboundEvent = {
      inboundId: newId(),
      enterpriseId: a.enterpriseId,
      sendingAccountId: a.sendingAccountId,
      from: '+14155550199',
      to: '+14155550100',
      text: 'STOP',
      receivedAt: clock.iso(),
      classification: 'opt_out',
    };
    await writeInbound(inbound);
    // Unmatched inbound messages have no account to call back.
    await writeInbound({ ...inbound, inboundId: newId(), sendingAccountId: null });
    const start = clock.now();
    await tc().dispatcher.runDue();
    while (clock.now() - start < 25 * HOUR) {
      clock.advance(HOUR / 2);
      await tc().dispatcher.runDue();
    }
    const rows = await app.ctx.db
      .selectFrom('callbacks')
      .selectAll()
      .where('event', '=', 'message.inbound')
      .execute();
    expect(rows).toHaveLength(1);
    const row = rows[0] as (typeof rows)[number];
    expect(row.status).toBe('dead');
    expect(row.next_attempt_at).toBeNull();
    const attempts = await app.ctx.db
      .selectFrom('callback_attempts')
      .selectAll()
      .where('callback_id', '=', row.id)
      .orderBy('attempt')
      .execute();
    // Exponential: far fewer attempts than half-hour polling would allow, the last at the 24 h mark.
    expect(attempts.length).toBeGreaterThan(5);
    expect(attempts.length).toBeLessThan(40);
    expect(
      Date.parse((attempts.at(-1) as (typeof attempts)[number]).started_at) - start,
    ).toBeGreaterThanOrEqual(24 * HOUR);
    expect(attempts.every((x) => x.outcome === 'failed' && x.status_code === 503)).toBe(true);
    const count = received.filter((r) => r.path === '/a/inbound').length;
    expect(count).toBe(attempts.length);
    clock.advance(24 * HOUR);
    await tc().dispatcher.runDue();
    expect(received.filter((r) => r.path === '/a/inbound')).toHaveLength(count);

    const dead = await call<Callback[]>(
      'GET',
      '/api/v1/callbacks?status=dead&event=message.inbound',
      a.admin,
    );
    expect(dead.body.data.map((c) => c.id)).toEqual([row.id]);

    plans.set('/a/inbound', [200]);
    const resent = await call<Callback>('POST', `/api/v1/callbacks/${row.id}/resend`, a.admin);
    expect(resent.status).toBe(200);
    expect(resent.body.data.status).toBe('pending');
    await tc().dispatcher.runDue();
    const after = await call<Callback>('GET', `/api/v1/callbacks/${row.id}`, a.admin);
    expect(after.body.data).toMatchObject({ status: 'delivered', attempts: attempts.length + 1 });
    expect(JSON.parse(received.at(-1)?.body ?? '{}')).toMatchObject({
      data: { text: 'STOP', classification: 'opt_out' },
    });
  });

  it('counts a receiver that does not answer in time as a failed attempt', async () => {
    plans.set('/b/slow', [0, 200]);
    await setUrls(b, { statusCallbackUrl: `${base}/b/slow` });
    await writeStatus(statusChange(b, 'failed'));
    await tc().dispatcher.runDue();
    const [row] = await app.ctx.db
      .selectFrom('callbacks')
      .selectAll()
      .where('url', '=', `${base}/b/slow`)
      .execute();
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_status_code: null });
    expect(row?.last_error).toMatch(/timed out|timeout/i);
  });

  it('writes a burst of status changes in one transaction, every one of them', async () => {
    const burst = await createTenant(app);
    plans.set('/burst', [200]);
    await setUrls(burst, { statusCallbackUrl: `${base}/burst` });
    await writeStatus(...Array.from({ length: 1500 }, () => statusChange(burst, 'sent')));
    const n = await app.ctx.db
      .selectFrom('callbacks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('sending_account_id', '=', burst.sendingAccountId)
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1500);
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 0)).toBe(15_000);
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 1)).toBe(30_000);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 1)).toBe(120_000);
    expect(backoffDelay(30, DEFAULT_BACKOFF, () => 1)).toBe(HOUR);
  });
});

describe('MS-8 callbacks API', () => {
  it('keeps tenants apart and pages with a cursor', async () => {
    const listA = await call<Callback[]>('GET', '/api/v1/callbacks?size=1', a.admin);
    expect(listA.body.data).toHaveLength(1);
    const next = listA.body.pagination?.nextCursor;
    expect(next).toBeTruthy();
    const page2 = await call<Callback[]>('GET', `/api/v1/callbacks?size=1&cursor=${next as string}`, a.admin);
    expect(page2.body.data[0]?.id).not.toBe(listA.body.data[0]?.id);

    const mineB = await call<Callback[]>('GET', '/api/v1/callbacks?size=500', b.admin);
    const idsA = (await call<Callback[]>('GET', '/api/v1/callbacks?size=500', a.admin)).body.data.map(
      (c) => c.id,
    );
    expect(mineB.body.data.some((c) => idsA.includes(c.id))).toBe(false);
    const someA = idsA[0] as string;
    expect((await call('GET', `/api/v1/callbacks/${someA}`, b.admin)).status).toBe(404);
    expect((await call('GET', `/api/v1/callbacks/${someA}/attempts`, b.admin)).status).toBe(404);
    expect((await call('POST', `/api/v1/callbacks/${someA}/resend`, b.admin)).status).toBe(404);
    expect(
      (await call('GET', `/api/v1/callbacks/accounts/${a.sendingAccountId}/secret`, b.admin)).status,
    ).toBe(404);
    // Staff see both, filtered by account.
    const staff = await call<Callback[]>(
      'GET',
      `/api/v1/callbacks?sendingAccountId=${b.sendingAccountId}`,
      admin,
    );
    expect(staff.body.data.length).toBeGreaterThan(0);
    expect(staff.body.data.every((c) => !idsA.includes(c.id))).toBe(true);
  });
});
