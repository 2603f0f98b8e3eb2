// The send API and the delivery engine end to end: real SMPP to the SMSC simulator on loopback,
// on SQLite and (with PIGEON_TEST_DATABASE_URL) PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import {
  setupMessaging,
  startSmsc,
  SMS_PRICE,
  INITIAL_BALANCE,
  type Envelope,
  type MessageJson,
  type Messaging,
} from '../../../test/helpers/messaging.js';

interface BatchJson {
  accepted: number;
  rejected: number;
  results: Array<{
    index: number;
    accepted: boolean;
    id: string;
    code?: string;
    field?: string;
    reason?: string;
  }>;
}
type Page = Envelope<MessageJson[]>;
import type { SmscSimulator } from '../../simulators/smsc-simulator.js';

let app: TestApp;
let m: Messaging;
const cleanups: Array<() => Promise<void>> = [];

async function balance(enterpriseId: string): Promise<number> {
  const row = await app.ctx.db
    .selectFrom('balances')
    .select('balance')
    .where('enterprise_id', '=', enterpriseId)
    .executeTakeFirstOrThrow();
  return Number(row.balance);
}

async function ledgerCount(objectId: string, type: 'charge' | 'refund'): Promise<number> {
  const rows = await app.ctx.db
    .selectFrom('ledger_entries')
    .select('id')
    .where('object_id', '=', objectId)
    .where('entry_type', '=', type)
    .execute();
  return rows.length;
}

beforeAll(async () => {
  app = await createTestApp({ config: { deliveryRetryBaseMs: 20 } });
  m = await setupMessaging(app, { smscOptions: { receiptDelayMs: 5 } });
  cleanups.push(() => m.smsc.stop());
});

afterAll(async () => {
  await app.close();
  for (const c of cleanups.reverse()) {
    await c();
  }
});

describe('MS-1 MS-3 MS-4 send → SMPP → receipt', () => {
  it('sends an SMS with an API key; it is charged once and reaches delivered with a receipt', async () => {
    const before = await balance(m.tenant.enterpriseId);
    const res = await m.send({
      channel: 'sms',
      to: '+447400123123',
      text: 'Hello from Pigeon',
      clientRef: 'r-1',
    });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    const id = res.json.data.id;
    expect(res.json.data).toMatchObject({
      status: 'queued',
      segments: 1,
      encoding: 'gsm7',
      price: SMS_PRICE,
      country: 'GB',
    });
    const done = await m.waitFinal(id);
    expect(done.status).toBe('delivered');
    expect(done.parts).toHaveLength(1);
    expect(done.parts[0]?.receiptStatus).toBe('delivered');
    expect(done.deliveryAttempts).toHaveLength(1);
    expect(done.timeline.map((t: { status: string }) => t.status)).toEqual(
      expect.arrayContaining(['accepted', 'queued', 'sent', 'receipt', 'delivered']),
    );
    // The attempt names its provider as a field for the console to name, not as a UUID in the text.
    const sent = done.timeline.find((t: { status: string }) => t.status === 'sent') as
      { detail: string; providerId?: string } | undefined;
    expect(sent?.providerId).toBe(done.deliveryAttempts[0]?.providerId);
    expect(sent?.detail).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(await balance(m.tenant.enterpriseId)).toBe(before - SMS_PRICE);
    expect(await ledgerCount(id, 'charge')).toBe(1);
    const status = await app.inject({
      method: 'GET',
      url: `/api/v1/messages/${id}/status`,
      headers: { 'x-api-key': m.apiKey },
    });
    expect(status.json<Envelope<MessageJson>>().data).toMatchObject({
      id,
      status: 'delivered',
      clientRef: 'r-1',
    });
  });

  it('keeps one row and one final state for a 3-part message', async () => {
    const text = 'x'.repeat(153 * 2 + 10);
    const res = await m.send({ channel: 'sms', to: '+447400123124', text });
    expect(res.status).toBe(201);
    expect(res.json.data.segments).toBe(3);
    expect(res.json.data.price).toBe(3 * SMS_PRICE);
    const done = await m.waitFinal(res.json.data.id);
    expect(done.status).toBe('delivered');
    expect(done.parts).toHaveLength(3);
    const rows = await app.ctx.db
      .selectFrom('messages')
      .select('id')
      .where('recipient', '=', '+447400123124')
      .execute();
    expect(rows).toHaveLength(1);
  });
});

describe('MS-4 undelivered receipts and refunds', () => {
  let smsc: SmscSimulator;
  let bad: Messaging;
  beforeAll(async () => {
    smsc = await startSmsc({ outcomes: { UNDELIV: 1 }, receiptDelayMs: 5 });
    cleanups.push(() => smsc.stop());
    bad = await setupMessaging(app, { smsc, refundOnFailure: true });
  });

  it('an UNDELIV receipt makes the message undelivered and refunds it once (plan refunds)', async () => {
    const before = await balance(bad.tenant.enterpriseId);
    const res = await bad.send({ channel: 'sms', to: '+447400123125', text: 'will fail' });
    expect(res.status).toBe(201);
    const done = await bad.waitFinal(res.json.data.id);
    expect(done.status).toBe('undelivered');
    await app.services.messages.engine.idle();
    expect(done.refunded).toBe(true);
    expect(await ledgerCount(done.id, 'refund')).toBe(1);
    expect(await balance(bad.tenant.enterpriseId)).toBe(before);
    const check = await app.services.billing.checkLedger(bad.tenant.enterpriseId);
    expect(check.consistent).toBe(true);
  });

  it('does not refund when the plan says so', async () => {
    const smsc2 = await startSmsc({ outcomes: { UNDELIV: 1 }, receiptDelayMs: 5 });
    cleanups.push(() => smsc2.stop());
    const noRefund = await setupMessaging(app, { smsc: smsc2, refundOnFailure: false });
    const before = await balance(noRefund.tenant.enterpriseId);
    const res = await noRefund.send({ channel: 'sms', to: '+447400123126', text: 'no refund' });
    const done = await noRefund.waitFinal(res.json.data.id);
    expect(done.status).toBe('undelivered');
    expect(done.refunded).toBe(false);
    expect(await balance(noRefund.tenant.enterpriseId)).toBe(before - SMS_PRICE);
  });
});

describe('MS-1 batch and idempotency', () => {
  it('accepts the good items of a batch and rejects each bad one with its reason', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/messages/batch',
      headers: { 'x-api-key': m.apiKey },
      payload: {
        messages: [
          { channel: 'sms', to: '+447400123130', text: 'ok 1' },
          { channel: 'sms', to: '12345', text: 'bad number' },
          { channel: 'sms', to: '+447400123131', text: '' },
          { channel: 'sms', to: '+447400123132', text: 'ok 2' },
          { channel: 'sms', to: '+819012345678', text: 'no price for JP' },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    const data = res.json<Envelope<BatchJson>>().data;
    expect(data.accepted).toBe(2);
    expect(data.rejected).toBe(3);
    expect(data.results[1]).toMatchObject({
      accepted: false,
      code: 'VALIDATION_FAILED',
      field: 'to',
      reason: 'invalid_number',
    });
    expect(data.results[2]).toMatchObject({ accepted: false, field: 'text', reason: 'empty_text' });
    expect(data.results[4]).toMatchObject({ accepted: false, code: 'NO_PRICE' });
    for (const i of [0, 3]) {
      expect(data.results[i]?.accepted).toBe(true);
      expect((await m.waitFinal(data.results[i]?.id ?? '')).status).toBe('delivered');
    }
  });

  it('same Idempotency-Key and body → same response and no second message or charge; other body → 409', async () => {
    const before = await balance(m.tenant.enterpriseId);
    const body = { channel: 'sms', to: '+447400123140', text: 'idempotent' };
    const [a, b] = await Promise.all([
      m.send(body, { 'idempotency-key': 'k-1' }),
      m.send(body, { 'idempotency-key': 'k-1' }),
    ]);
    const c = await m.send(body, { 'idempotency-key': 'k-1' });
    expect(a.status).toBe(201);
    expect(b.json.data.id).toBe(a.json.data.id);
    expect(c.json.data.id).toBe(a.json.data.id);
    const other = await m.send({ ...body, text: 'different' }, { 'idempotency-key': 'k-1' });
    expect(other.status).toBe(409);
    expect(other.json.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const rows = await app.ctx.db
      .selectFrom('messages')
      .select('id')
      .where('recipient', '=', '+447400123140')
      .execute();
    expect(rows).toHaveLength(1);
    expect(await balance(m.tenant.enterpriseId)).toBe(before - SMS_PRICE);
  });
});

describe('MS-2 rejections with clear codes', () => {
  it('answers each rejection of a single send with its code, field and reason', async () => {
    const cases: Array<[Record<string, unknown>, number, string, string | undefined, string | undefined]> = [
      [{ channel: 'sms', to: 'not-a-number', text: 'x' }, 422, 'VALIDATION_FAILED', 'to', 'invalid_number'],
      [{ channel: 'sms', to: '+447400123150', text: '' }, 422, 'VALIDATION_FAILED', 'text', 'empty_text'],
      [
        { channel: 'sms', to: '+447400123150', text: 'x'.repeat(153 * 40) },
        422,
        'VALIDATION_FAILED',
        'text',
        'too_many_parts',
      ],
      [
        { channel: 'sms', to: '+447400123150', text: 'x', from: 'Bad_Sender!' },
        422,
        'VALIDATION_FAILED',
        'from',
        'invalid_sender',
      ],
      [{ channel: 'sms', to: '+819012345678', text: 'x' }, 422, 'NO_PRICE', 'to', 'no_price'],
      [
        { channel: 'email', to: 'not-an-address', subject: 's', text: 'x', from: 'a@example.com' },
        422,
        'VALIDATION_FAILED',
        'to',
        'invalid_email',
      ],
      [
        { channel: 'sms', to: '+447400123150', text: 'x', sendAt: 'tomorrow' },
        422,
        'VALIDATION_FAILED',
        'sendAt',
        'invalid_date',
      ],
    ];
    for (const [body, status, code, field, reason] of cases) {
      const res = await m.send(body);
      expect(res.status, JSON.stringify({ body, got: res.json })).toBe(status);
      expect(res.json.code).toBe(code);
      if (field) {
        expect(res.json.errors?.[0], JSON.stringify(res.json)).toMatchObject({ field, reason });
      }
    }
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/messages',
      headers: { 'x-api-key': m.apiKey },
      payload: { channel: 'fax', to: '1' },
    });
    expect(bad.statusCode).toBe(422);
  });

  it('refuses INSUFFICIENT_BALANCE (402) and writes nothing for it', async () => {
    const poor = await setupMessaging(app, { smsc: m.smsc, balance: SMS_PRICE });
    const ok = await poor.send({ channel: 'sms', to: '+447400123160', text: 'first' });
    expect(ok.status).toBe(201);
    const refused = await poor.send({ channel: 'sms', to: '+447400123161', text: 'second' });
    expect(refused.status).toBe(402);
    expect(refused.json.code).toBe('INSUFFICIENT_BALANCE');
    const rows = await app.ctx.db
      .selectFrom('messages')
      .select('id')
      .where('recipient', '=', '+447400123161')
      .execute();
    expect(rows).toHaveLength(0);
  });

  it('enforces the daily limit of the account with DAILY_LIMIT_EXCEEDED', async () => {
    const limited = await setupMessaging(app, { smsc: m.smsc, dailyLimit: 2 });
    const results = [];
    for (let i = 0; i < 3; i++) {
      results.push(await limited.send({ channel: 'sms', to: `+44740012317${i}`, text: 'limited' }));
    }
    expect(results.map((r) => r.status)).toEqual([201, 201, 429]);
    expect(results[2]?.json.code).toBe('DAILY_LIMIT_EXCEEDED');
  });

  it('quotes segments, encoding and price without sending', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/messages/quote',
      headers: { 'x-api-key': m.apiKey },
      payload: { channel: 'sms', to: '+447400123180', text: 'Grüße “smart” — ok', smartEncoding: true },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<Envelope<Record<string, unknown>>>().data).toMatchObject({
      encoding: 'gsm7',
      segments: 1,
      price: SMS_PRICE,
      smartEncoded: true,
    });
    const ucs = await app.inject({
      method: 'POST',
      url: '/api/v1/messages/quote',
      headers: { 'x-api-key': m.apiKey },
      payload: { channel: 'sms', to: '+447400123180', text: '你好'.repeat(40) },
    });
    expect(ucs.json<Envelope<Record<string, unknown>>>().data).toMatchObject({
      encoding: 'ucs2',
      segments: 2,
      price: 2 * SMS_PRICE,
    });
  });
});

describe('MS-5 outbox', () => {
  it('lists the account’s messages newest first with filters and cursor pagination', async () => {
    const page1 = await app.inject({
      method: 'GET',
      url: '/api/v1/messages/outbox?size=2',
      headers: { 'x-api-key': m.apiKey },
    });
    expect(page1.statusCode).toBe(200);
    const body = page1.json<Page>();
    expect(body.data).toHaveLength(2);
    expect(body.pagination?.nextCursor).toBeTruthy();
    const page2 = await app.inject({
      method: 'GET',
      url: `/api/v1/messages/outbox?size=2&cursor=${body.pagination?.nextCursor ?? ''}`,
      headers: { 'x-api-key': m.apiKey },
    });
    expect((page2.json<Page>().data[0]?.id ?? '') < (body.data[1]?.id ?? '')).toBe(true);
    const byNumber = await app.inject({
      method: 'GET',
      url: '/api/v1/messages/outbox?number=%2B447400123123',
      headers: { 'x-api-key': m.apiKey },
    });
    expect(byNumber.json<Page>().data.map((x) => x.to)).toEqual(['+447400123123']);
    const delivered = await app.inject({
      method: 'GET',
      url: '/api/v1/messages/outbox?status=delivered&country=GB&size=100',
      headers: { 'x-api-key': m.apiKey },
    });
    expect(delivered.json<Page>().data.every((x) => x.status === 'delivered')).toBe(true);
  });

  it('shows a tenant none of another tenant’s messages', async () => {
    const other = await setupMessaging(app, { smsc: m.smsc });
    const res = await other.send({ channel: 'sms', to: '+447400123190', text: 'mine' });
    const cross = await app.inject({
      method: 'GET',
      url: `/api/v1/messages/${res.json.data.id}`,
      headers: { 'x-api-key': m.apiKey },
    });
    expect(cross.statusCode).toBe(404);
    const list = await app.inject({
      method: 'GET',
      url: '/api/v1/messages/outbox?size=500',
      headers: { 'x-api-key': m.apiKey },
    });
    expect(list.json<Page>().data.some((x) => x.id === res.json.data.id)).toBe(false);
    expect(INITIAL_BALANCE).toBeGreaterThan(0);
  });
});
