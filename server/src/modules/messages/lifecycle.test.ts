// MS-3, MS-4, DL-6: the lifecycle service as the one owner of message status — a sent message
// whose receipt never comes ends at the receipt timeout (fake clock), a receipt that beats its
// submit result is stored and applied when the result lands, and a partly delivered long SMS
// gives back the share that did not arrive.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { setupMessaging, SMS_PRICE, type Messaging } from '../../../test/helpers/messaging.js';
import { FakeClock } from '../../platform/clock.js';
import type { DeliveryReceipt } from '../../delivery/connectors/types.js';

const cleanups: Array<() => Promise<void> | void> = [];
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

async function statusOf(app: TestApp, id: string): Promise<string> {
  const row = await app.ctx.db
    .selectFrom('messages')
    .select('status')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return row.status;
}

async function waitStatus(app: TestApp, id: string, status: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await statusOf(app, id);
    if (last === status) {
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`message ${id} is ${last}, not ${status}`);
}

function receipt(
  providerMessageId: string,
  status: DeliveryReceipt['status'],
  providerStatus: string,
): DeliveryReceipt {
  return {
    providerMessageId,
    rawProviderMessageId: providerMessageId,
    status,
    isFinal: status !== 'enroute' && status !== 'accepted',
    providerStatus,
    ...(status === 'delivered' ? {} : { errorCode: '001' }),
    receivedAt: new Date(),
  };
}

describe('DL-6 receipt timeout', () => {
  let app: TestApp;
  let clock: FakeClock;
  let m: Messaging;
  beforeAll(async () => {
    clock = new FakeClock(Date.now());
    app = await createTestApp({ clock, config: { receiptTimeout: 3600 } });
    cleanups.push(() => app.close());
    // Receipts would come after ten real minutes: never during this test.
    m = await setupMessaging(app, { smscOptions: { receiptDelayMs: 600_000 } });
    cleanups.push(() => m.smsc.stop());
  });

  it('ends a sent message whose receipt never comes as unknown at the receipt timeout, not refunded', async () => {
    const before = await balance(app, m.tenant.enterpriseId);
    const res = await m.send({ channel: 'sms', to: '+447400123301', text: 'no receipt' });
    expect(res.status).toBe(201);
    await waitStatus(app, res.json.data.id, 'sent');
    clock.advance(3_500_000);
    await app.services.messages.lifecycle.endOverdue();
    expect(await statusOf(app, res.json.data.id)).toBe('sent');
    clock.advance(200_000);
    const done = await m.waitFinal(res.json.data.id);
    expect(done).toMatchObject({ status: 'unknown', errorCode: 'NO_RECEIPT', refunded: false });
    expect(await balance(app, m.tenant.enterpriseId)).toBe(before - SMS_PRICE);
  });

  it('ends a sent message past its validity as expired (after a grace for late receipts), refunded', async () => {
    const before = await balance(app, m.tenant.enterpriseId);
    const res = await m.send({
      channel: 'sms',
      to: '+447400123302',
      text: 'short-lived',
      validityPeriod: 300,
    });
    expect(res.status).toBe(201);
    await waitStatus(app, res.json.data.id, 'sent');
    clock.advance(300_000 + 11 * 60_000);
    const done = await m.waitFinal(res.json.data.id);
    expect(done).toMatchObject({ status: 'expired', errorCode: 'NO_RECEIPT', refunded: true });
    await app.services.messages.engine.idle();
    expect(await balance(app, m.tenant.enterpriseId)).toBe(before);
  });
});

describe('MS-4 receipts in any order, and partly delivered messages', () => {
  let app: TestApp;
  let m: Messaging;
  beforeAll(async () => {
    app = await createTestApp();
    cleanups.push(() => app.close());
    m = await setupMessaging(app);
    cleanups.push(() => m.smsc.stop());
    // The queue stays paused: these tests drive the lifecycle the way the engine would.
    app.services.messages.engine.pause(m.providerId);
  });

  async function leased(text: string): Promise<string> {
    const res = await m.send({ channel: 'sms', to: '+447400123311', text });
    expect(res.status).toBe(201);
    const work = await app.services.messages.lifecycle.lease(m.providerId, [res.json.data.id]);
    expect(work.map((w) => w.id)).toEqual([res.json.data.id]);
    expect(await statusOf(app, res.json.data.id)).toBe('sending');
    return res.json.data.id;
  }

  it('stores a receipt that arrives before its submit result and applies it when the result lands', async () => {
    const { lifecycle } = app.services.messages;
    const id = await leased('receipt first');
    const pmid = `early-${id}`;
    await lifecycle.record(
      [],
      [{ providerId: m.providerId, receipt: receipt(pmid, 'delivered', 'DELIVRD') }],
    );
    const pending = await app.ctx.db
      .selectFrom('pending_receipts')
      .selectAll()
      .where('provider_message_id', '=', pmid)
      .execute();
    expect(pending).toHaveLength(1);
    expect(await statusOf(app, id)).toBe('sending');

    const t = Date.now();
    await lifecycle.record(
      [
        {
          id,
          providerId: m.providerId,
          result: { ok: true, providerMessageIds: [pmid], parts: 1, encoding: 'gsm7' },
          startedAt: t,
          finishedAt: t + 5,
        },
      ],
      [],
    );
    expect(await statusOf(app, id)).toBe('delivered');
    const left = await app.ctx.db
      .selectFrom('pending_receipts')
      .selectAll()
      .where('provider_message_id', '=', pmid)
      .execute();
    expect(left).toHaveLength(0);
  });

  it('ignores a duplicate receipt and a late one after the final state', async () => {
    const { lifecycle } = app.services.messages;
    const id = await leased('duplicates');
    const pmid = `dup-${id}`;
    const t = Date.now();
    await lifecycle.record(
      [
        {
          id,
          providerId: m.providerId,
          result: { ok: true, providerMessageIds: [pmid], parts: 1 },
          startedAt: t,
          finishedAt: t,
        },
      ],
      [],
    );
    const r = { providerId: m.providerId, receipt: receipt(pmid, 'undelivered', 'UNDELIV') };
    await lifecycle.record([], [r, r]);
    await lifecycle.record(
      [],
      [{ providerId: m.providerId, receipt: receipt(pmid, 'delivered', 'DELIVRD') }],
    );
    expect(await statusOf(app, id)).toBe('undelivered');
    const refunds = await app.ctx.db
      .selectFrom('ledger_entries')
      .select('amount')
      .where('object_id', '=', id)
      .where('entry_type', '=', 'refund')
      .execute();
    expect(refunds.map((x) => Number(x.amount))).toEqual([SMS_PRICE]);
  });

  it('refunds the parts of a long SMS that were not delivered (partially_delivered)', async () => {
    const { lifecycle } = app.services.messages;
    const before = await balance(app, m.tenant.enterpriseId);
    const id = await leased('x'.repeat(400));
    const row = await app.ctx.db
      .selectFrom('messages')
      .select(['segments', 'price'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.segments).toBe(3);
    expect(await balance(app, m.tenant.enterpriseId)).toBe(before - 3 * SMS_PRICE);
    const pmids = [0, 1, 2].map((i) => `long-${i}-${id}`);
    const t = Date.now();
    await lifecycle.record(
      [
        {
          id,
          providerId: m.providerId,
          result: { ok: true, providerMessageIds: pmids, parts: 3 },
          startedAt: t,
          finishedAt: t,
        },
      ],
      [
        { providerId: m.providerId, receipt: receipt(pmids[0] as string, 'delivered', 'DELIVRD') },
        { providerId: m.providerId, receipt: receipt(pmids[2] as string, 'delivered', 'DELIVRD') },
      ],
    );
    expect(await statusOf(app, id)).toBe('sent');
    await lifecycle.record(
      [],
      [{ providerId: m.providerId, receipt: receipt(pmids[1] as string, 'undelivered', 'UNDELIV') }],
    );
    expect(await statusOf(app, id)).toBe('partially_delivered');
    expect(await balance(app, m.tenant.enterpriseId)).toBe(before - 3 * SMS_PRICE + SMS_PRICE);
    const detail = await app.inject({
      method: 'GET',
      url: `/api/v1/messages/${id}`,
      headers: { 'x-api-key': m.apiKey },
    });
    expect(detail.json<{ data: { refunded: boolean } }>().data.refunded).toBe(true);
  });
});
