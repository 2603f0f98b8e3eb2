// The delivery engine's rules (DL-3, MS-3): failover to the next route, permanent failures
// fail at once, validity expiry, scheduled sends released at send_at, cancel with refund.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import {
  createSmppProvider,
  setupMessaging,
  startSmsc,
  SMS_PRICE,
  type Messaging,
} from '../../../test/helpers/messaging.js';
import { signInAdmin, type SignedIn } from '../../../test/helpers/identity.js';
import { systemAuth } from '../../platform/auth/auth-context.js';
import { FakeClock } from '../../platform/clock.js';

const cleanups: Array<() => Promise<void>> = [];

afterAll(async () => {
  for (const c of cleanups.reverse()) {
    await c();
  }
});

async function balance(app: TestApp, enterpriseId: string): Promise<number> {
  const row = await app.ctx.db
    .selectFrom('balances')
    .select('balance')
    .where('enterprise_id', '=', enterpriseId)
    .executeTakeFirstOrThrow();
  return Number(row.balance);
}

describe('DL-3 retries and failover', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ config: { deliveryRetryBaseMs: 10, deliveryMaxAttempts: 3 } });
    cleanups.push(() => app.close());
  });

  it('fails over to the next tier when the first provider keeps failing with a temporary error', async () => {
    const broken = await startSmsc({ errorRate: 1, errorStatus: 0x08 });
    cleanups.push(() => broken.stop());
    const m = await setupMessaging(app, {
      smscOptions: { receiptDelayMs: 2 },
      providerSettings: { maxSubmitAttempts: 1 },
    });
    cleanups.push(() => m.smsc.stop());
    const brokenId = await createSmppProvider(app, broken.port, {}, { maxSubmitAttempts: 1 });
    await app.services.routing.create(systemAuth('test'), {
      name: 'failover first',
      priority: 1,
      channel: 'sms',
      match: { sendingAccountIds: [m.tenant.sendingAccountId] },
      tiers: [
        { providers: [{ providerId: brokenId, weight: 1 }] },
        { providers: [{ providerId: m.providerId, weight: 1 }] },
      ],
    } as never);
    const res = await m.send({ channel: 'sms', to: '+447400123200', text: 'fail over' });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    const done = await m.waitFinal(res.json.data.id);
    expect(done.status).toBe('delivered');
    expect(done.providerId).toBe(m.providerId);
    expect(
      done.deliveryAttempts.map((a: { providerId: string; outcome: string }) => [a.providerId, a.outcome]),
    ).toEqual([
      [brokenId, 'retry'],
      [m.providerId, 'sent'],
    ]);
    expect(done.deliveryAttempts[0]?.errorCode).toBe('ESME_RSYSERR');
  });

  it('fails a message at once on a permanent error and refunds it', async () => {
    const smsc = await startSmsc({ errorRate: 1, errorStatus: 0x0b });
    cleanups.push(() => smsc.stop());
    const m = await setupMessaging(app, { smsc });
    const before = await balance(app, m.tenant.enterpriseId);
    const res = await m.send({ channel: 'sms', to: '+447400123201', text: 'bad destination' });
    expect(res.status).toBe(201);
    const done = await m.waitFinal(res.json.data.id);
    expect(done).toMatchObject({
      status: 'failed',
      errorCode: 'ESME_RINVDSTADR',
      attempts: 1,
      refunded: true,
    });
    expect(done.deliveryAttempts).toHaveLength(1);
    await app.services.messages.engine.idle();
    expect(await balance(app, m.tenant.enterpriseId)).toBe(before);
  });

  it('gives up after the maximum attempts with the last error', async () => {
    const smsc = await startSmsc({ errorRate: 1, errorStatus: 0x08 });
    cleanups.push(() => smsc.stop());
    const m = await setupMessaging(app, { smsc, providerSettings: { maxSubmitAttempts: 1 } });
    const res = await m.send({ channel: 'sms', to: '+447400123202', text: 'always busy' });
    const done = await m.waitFinal(res.json.data.id);
    expect(done).toMatchObject({ status: 'failed', errorCode: 'ESME_RSYSERR', attempts: 3 });
    expect(done.deliveryAttempts.map((a: { outcome: string }) => a.outcome)).toEqual([
      'retry',
      'retry',
      'failed',
    ]);
  });
});

describe('MS-3 validity, schedules and cancel', () => {
  let app: TestApp;
  let clock: FakeClock;
  let m: Messaging;
  let admin: SignedIn;
  beforeAll(async () => {
    clock = new FakeClock(Date.now());
    app = await createTestApp({ clock });
    cleanups.push(() => app.close());
    m = await setupMessaging(app, { smscOptions: { receiptDelayMs: 1 } });
    cleanups.push(() => m.smsc.stop());
    admin = await signInAdmin(app);
  });

  async function queueAction(action: 'pause' | 'resume'): Promise<void> {
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/delivery/queues/${m.providerId}/${action}`,
      headers: admin.headers,
    });
    expect(res.statusCode).toBe(200);
  }

  it('expires a message whose validity ends before it is sent, and refunds it', async () => {
    await queueAction('pause');
    const before = await balance(app, m.tenant.enterpriseId);
    const res = await m.send({
      channel: 'sms',
      to: '+447400123210',
      text: 'short-lived',
      validityPeriod: 60,
    });
    expect(res.status).toBe(201);
    expect(await balance(app, m.tenant.enterpriseId)).toBe(before - SMS_PRICE);
    clock.advance(61_000);
    await queueAction('resume');
    const done = await m.waitFinal(res.json.data.id);
    expect(done).toMatchObject({ status: 'expired', errorCode: 'VALIDITY_EXPIRED', refunded: true });
    await app.services.messages.engine.idle();
    expect(await balance(app, m.tenant.enterpriseId)).toBe(before);
  });

  it('holds a scheduled message as accepted and sends it at send_at', async () => {
    const sendAt = new Date(clock.now() + 3_600_000).toISOString();
    const res = await m.send({ channel: 'sms', to: '+447400123211', text: 'later', sendAt });
    expect(res.status).toBe(201);
    expect(res.json.data.status).toBe('accepted');
    await new Promise((r) => setTimeout(r, 1500));
    const waiting = await app.inject({
      method: 'GET',
      url: `/api/v1/messages/${res.json.data.id}/status`,
      headers: { 'x-api-key': m.apiKey },
    });
    expect(waiting.json<{ data: { status: string } }>().data.status).toBe('accepted');
    clock.advance(3_600_000);
    const done = await m.waitFinal(res.json.data.id);
    expect(done.status).toBe('delivered');
    expect(done.sendAt).toBe(sendAt);
  });

  it('cancels a scheduled message with a refund; a delivered one cannot be canceled', async () => {
    admin = await signInAdmin(app); // the fake clock has moved past the first token's lifetime
    const before = await balance(app, m.tenant.enterpriseId);
    const sendAt = new Date(clock.now() + 3_600_000).toISOString();
    const res = await m.send({ channel: 'sms', to: '+447400123212', text: 'never mind', sendAt });
    const cancel = await app.inject({
      method: 'POST',
      url: `/api/v1/messages/${res.json.data.id}/cancel`,
      headers: admin.headers,
    });
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(cancel.json<{ data: unknown }>().data).toMatchObject({ status: 'canceled', refunded: true });
    expect(await balance(app, m.tenant.enterpriseId)).toBe(before);
    const sent = await m.send({ channel: 'sms', to: '+447400123213', text: 'too late' });
    await m.waitFinal(sent.json.data.id);
    const late = await app.inject({
      method: 'POST',
      url: `/api/v1/messages/${sent.json.data.id}/cancel`,
      headers: admin.headers,
    });
    expect(late.statusCode).toBe(409);
    expect(late.json<{ code: string }>().code).toBe('MESSAGE_NOT_CANCELABLE');
  });
});
