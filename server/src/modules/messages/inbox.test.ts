// The inbox and opt-out over real protocols (MS-6, MS-7): inbound messages from the SMSC
// simulator through an SMPP provider created with the API, and from an HTTP provider's
// callback route; matching, classification, the suppression list and the inbox API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { signInAdmin, type SignedIn } from '../../../test/helpers/identity.js';
import {
  createEnterprise,
  createSendingAccount,
  createTenant,
  type Tenant,
} from '../../../test/helpers/tenants.js';
import { SmscSimulator, waitFor } from '../../simulators/index.js';
import { systemAuth } from '../../platform/auth/auth-context.js';
import type { PigeonEvent } from '../../platform/events/bus.js';
import { newId } from '../../platform/ids.js';
import type { DeliveryReceipt } from '../../delivery/connectors/types.js';
import { parseHttpInbound } from '../../delivery/connectors/http/http-connector.js';
import type { InboundView } from './inbox.schemas.js';
import type { MessageInboundEvent } from './inbox.service.js';
import type { ValidItem } from './messages.contract.js';
import { setupMessaging } from '../../../test/helpers/messaging.js';

const SMPP_PASSWORD = 'mo-pw-7';
const SHORT_CODE = '10690001';
const SHARED_CODE = '10690002';

let app: TestApp;
let admin: SignedIn;
let sim: SmscSimulator;
let tenant: Tenant;
const inboundEvents: Array<PigeonEvent<MessageInboundEvent>> = [];

async function api<T>(
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  payload?: unknown,
  headers = admin.headers,
) {
  const res = await app.inject({ method, url, headers, payload: payload as object });
  return {
    status: res.statusCode,
    body: res.body,
    json: res.json<{ data: T; pagination?: { nextCursor: string | null } }>(),
  };
}

async function addSender(enterpriseId: string, value: string): Promise<void> {
  await app.services.customers.senders.create(systemAuth('test'), {
    enterpriseId,
    channel: 'sms',
    value,
  });
}

/** An outbound SMS row as the engine stores it (the reply window looks for these). */
async function outbound(
  enterpriseId: string,
  accountId: string,
  to: string,
  sender: string,
): Promise<string> {
  const id = newId();
  const now = app.ctx.clock.iso();
  await app.ctx.db
    .insertInto('messages')
    .values({
      id,
      enterprise_id: enterpriseId,
      sending_account_id: accountId,
      source: 'api',
      api_key_id: null,
      user_id: null,
      channel: 'sms',
      recipient: to,
      country: 'GB',
      number_type: 'MOBILE',
      sender,
      subject: null,
      body: 'Your order has shipped',
      html: null,
      encoding: 'gsm7',
      segments: 1,
      smart_encoding: 0,
      priority: 'normal',
      status: 'delivered',
      client_ref: null,
      campaign_id: null,
      template_id: null,
      metadata: '{}',
      send_at: null,
      expires_at: null,
      price: 0,
      currency: 'USD',
      refund_on_failure: 1,
      refunded: 0,
      cost: null,
      provider_id: null,
      route_rule_id: null,
      attempts: 1,
      next_attempt_at: null,
      tried_providers: '[]',
      error_code: null,
      error_message: null,
      created_at: now,
      queued_at: now,
      sent_at: now,
      done_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

async function latestInbound(): Promise<InboundView> {
  const res = await api<InboundView[]>('GET', '/api/v1/messages/inbox?size=1');
  expect(res.status, res.body).toBe(200);
  const first = res.json.data[0];
  if (!first) {
    throw new Error('no inbound message');
  }
  return first;
}

function checkItem(to: string, channel: 'sms' | 'email' = 'sms'): ValidItem {
  return { index: 0, item: { channel, to, text: 'hi' }, to, country: 'GB' };
}

async function checkSuppressed(enterpriseId: string, to: string) {
  const ctx = await app.services.customers.sendingContext(
    (
      await app.ctx.db
        .selectFrom('sending_accounts')
        .select('id')
        .where('enterprise_id', '=', enterpriseId)
        .executeTakeFirstOrThrow()
    ).id,
  );
  if (!ctx) {
    throw new Error('no sending context');
  }
  const [rejection] = await app.services.messages.suppressions.check([checkItem(to)], ctx);
  return rejection ?? null;
}

beforeAll(async () => {
  app = await createTestApp();
  await app.ready();
  admin = await signInAdmin(app);
  app.ctx.events.on('message.inbound', (e) => inboundEvents.push(e as PigeonEvent<MessageInboundEvent>));
  sim = new SmscSimulator({ systemId: 'pigeon', password: SMPP_PASSWORD });
  await sim.start();
  const created = await api<{ id: string }>('POST', '/api/v1/providers', {
    name: 'mo-smsc',
    enabled: true,
    channel: 'sms',
    type: 'smpp',
    settings: {
      host: '127.0.0.1',
      port: sim.port,
      systemId: 'pigeon',
      password: SMPP_PASSWORD,
      connectTimeoutMs: 2000,
      reconnectInitialDelayMs: 50,
      reconnectMaxDelayMs: 200,
    },
  });
  expect(created.status, created.body).toBe(200);
  await waitFor(() => sim.boundSessions > 0, { timeoutMs: 10_000 });
  tenant = await createTenant(app);
  await addSender(tenant.enterpriseId, SHORT_CODE);
});
afterAll(async () => {
  await app.close();
  await sim.stop();
});

describe('MS-6 inbound messages over SMPP', () => {
  it('stores an MO from the simulator, matched to the enterprise owning the number, and raises message.inbound', async () => {
    const before = inboundEvents.length;
    await sim.injectMo({ from: '+447912345678', to: SHORT_CODE, text: 'Hello there' });
    const row = await latestInbound();
    expect(row).toMatchObject({
      from: '+447912345678',
      to: SHORT_CODE,
      text: 'Hello there',
      enterpriseId: tenant.enterpriseId,
      sendingAccountId: tenant.sendingAccountId,
      classification: 'unknown',
      encoding: 'gsm7',
      parts: 1,
      isComplete: true,
    });
    expect(row.providerId).not.toBeNull();
    const event = inboundEvents.slice(before).find((e) => e.data.inboundId === row.id);
    expect(event?.enterpriseId).toBe(tenant.enterpriseId);
    expect(event?.data).toMatchObject({
      from: '+447912345678',
      to: SHORT_CODE,
      text: 'Hello there',
      classification: 'unknown',
      sendingAccountId: tenant.sendingAccountId,
    });
  });

  it('reassembles a long UCS-2 MO and keeps its parts and encoding', async () => {
    const text = '您好，我想了解一下订单的配送进度。'.repeat(6);
    await sim.injectMo({ from: '+447912345678', to: SHORT_CODE, text, partOrder: 'reverse' });
    const row = await latestInbound();
    expect(row.text).toBe(text);
    expect(row.encoding).toBe('ucs2');
    expect(row.parts).toBeGreaterThan(1);
  });

  it('classifies a message from a recent outbound recipient as a reply to that message', async () => {
    const other = await createSendingAccount(app, tenant.enterpriseId);
    const messageId = await outbound(tenant.enterpriseId, other.id, '+447912777321', SHORT_CODE);
    await sim.injectMo({ from: '447912777321', to: SHORT_CODE, text: 'Thanks!' });
    const row = await latestInbound();
    expect(row).toMatchObject({
      from: '+447912777321',
      classification: 'reply',
      replyToMessageId: messageId,
      enterpriseId: tenant.enterpriseId,
      sendingAccountId: other.id,
    });
  });

  it('does not count an outbound message older than the reply window', async () => {
    const messageId = await outbound(
      tenant.enterpriseId,
      tenant.sendingAccountId,
      '+447912777444',
      SHORT_CODE,
    );
    const old = new Date(
      app.ctx.clock.now() - (app.ctx.config.inboundReplyDays + 1) * 86_400_000,
    ).toISOString();
    await app.ctx.db.updateTable('messages').set({ created_at: old }).where('id', '=', messageId).execute();
    await sim.injectMo({ from: '+447912777444', to: SHORT_CODE, text: 'Late answer' });
    expect((await latestInbound()).classification).toBe('unknown');
  });

  it('matches a shared number by the keyword an enterprise claimed, and leaves it unmatched otherwise', async () => {
    const b = await createTenant(app);
    const c = await createEnterprise(app);
    await addSender(b.enterpriseId, SHARED_CODE);
    await addSender(c.id, SHARED_CODE);
    const claimed = await api<{ id: string; keyword: string }>(
      'POST',
      '/api/v1/messages/inbox/keywords',
      { keyword: 'pizza' },
      b.admin.headers,
    );
    expect(claimed.status, claimed.body).toBe(200);
    expect(claimed.json.data.keyword).toBe('PIZZA');

    await sim.injectMo({ from: '+447912000111', to: SHARED_CODE, text: 'Pizza, large please' });
    expect(await latestInbound()).toMatchObject({
      enterpriseId: b.enterpriseId,
      sendingAccountId: b.sendingAccountId,
      classification: 'keyword',
      keyword: 'PIZZA',
    });

    await sim.injectMo({ from: '+447912000111', to: SHARED_CODE, text: 'hello?' });
    expect(await latestInbound()).toMatchObject({
      enterpriseId: null,
      sendingAccountId: null,
      classification: 'unknown',
    });

    const taken = await api('POST', '/api/v1/messages/inbox/keywords', {
      keyword: 'PIZZA',
      enterpriseId: c.id,
    });
    expect(taken.status).toBe(409);
    const optOut = await api<unknown>('POST', '/api/v1/messages/inbox/keywords', {
      keyword: 'stop',
      enterpriseId: c.id,
    });
    expect(optOut.status).toBe(422);
    expect(optOut.body).toContain('keyword_is_opt_out');
  });
});

describe('MS-7 opt-out and opt-in keywords from inbound messages', () => {
  it('STOP suppresses the number for the matched enterprise, START lifts it', async () => {
    const number = '+447912555001';
    expect(await checkSuppressed(tenant.enterpriseId, number)).toBeNull();

    await sim.injectMo({ from: number, to: SHORT_CODE, text: 'STOP' });
    const stop = await latestInbound();
    expect(stop).toMatchObject({
      classification: 'opt_out',
      keyword: 'STOP',
      enterpriseId: tenant.enterpriseId,
    });
    const listed = await app.ctx.db
      .selectFrom('suppressions')
      .selectAll()
      .where('enterprise_id', '=', tenant.enterpriseId)
      .where('number', '=', number)
      .executeTakeFirst();
    expect(listed).toMatchObject({ source: 'mo', inbound_id: stop.id });
    expect(await checkSuppressed(tenant.enterpriseId, number)).toMatchObject({
      code: 'RECIPIENT_OPTED_OUT',
      field: 'to',
      reason: 'recipient_opted_out',
    });
    // Another enterprise may still send to the number.
    const other = await createTenant(app);
    expect(await checkSuppressed(other.enterpriseId, number)).toBeNull();

    await sim.injectMo({ from: number, to: SHORT_CODE, text: 'start' });
    expect(await latestInbound()).toMatchObject({ classification: 'opt_in', keyword: 'START' });
    expect(await checkSuppressed(tenant.enterpriseId, number)).toBeNull();
  });

  it('understands Chinese keywords (退订 / 订阅) and the first word only', async () => {
    const number = '+8613912345678';
    await sim.injectMo({ from: number, to: SHORT_CODE, text: '退订，谢谢' });
    expect(await latestInbound()).toMatchObject({ classification: 'opt_out', keyword: '退订' });
    expect(await checkSuppressed(tenant.enterpriseId, number)).not.toBeNull();
    await sim.injectMo({ from: number, to: SHORT_CODE, text: '订阅' });
    expect(await checkSuppressed(tenant.enterpriseId, number)).toBeNull();

    await sim.injectMo({ from: number, to: SHORT_CODE, text: 'Please do not STOP' });
    expect((await latestInbound()).classification).not.toBe('opt_out');
  });

  it('uses a keyword staff add, and refuses keyword changes from customers', async () => {
    const added = await api<{ id: string }>('POST', '/api/v1/messages/opt-out-keywords', {
      keyword: 'Halt',
      action: 'opt_out',
      language: 'en',
    });
    expect(added.status, added.body).toBe(200);
    const number = '+447912555002';
    await sim.injectMo({ from: number, to: SHORT_CODE, text: 'HALT' });
    expect(await checkSuppressed(tenant.enterpriseId, number)).not.toBeNull();

    const byCustomer = await api(
      'POST',
      '/api/v1/messages/opt-out-keywords',
      { keyword: 'NOPE', action: 'opt_out', language: 'en' },
      tenant.admin.headers,
    );
    expect(byCustomer.status).toBe(403);
    const list = await api<Array<{ keyword: string; action: string }>>(
      'GET',
      '/api/v1/messages/opt-out-keywords',
    );
    expect(list.json.data.map((k) => k.keyword)).toEqual(
      expect.arrayContaining(['STOP', 'UNSUBSCRIBE', '退订', 'TD', 'START', 'HALT']),
    );
  });
});

describe('MS-6 inbox API', () => {
  it('filters by classification, number, enterprise and time, pages with a cursor', async () => {
    const all = await api<InboundView[]>(
      'GET',
      `/api/v1/messages/inbox?enterpriseId=${tenant.enterpriseId}&size=500`,
    );
    expect(all.status).toBe(200);
    expect(all.json.data.length).toBeGreaterThan(5);
    expect(all.json.data.every((m) => m.enterpriseId === tenant.enterpriseId)).toBe(true);

    const optOuts = await api<InboundView[]>('GET', '/api/v1/messages/inbox?classification=opt_out');
    expect(optOuts.json.data.length).toBeGreaterThan(0);
    expect(optOuts.json.data.every((m) => m.classification === 'opt_out')).toBe(true);

    const byNumber = await api<InboundView[]>('GET', '/api/v1/messages/inbox?number=%2B447912777321');
    expect(byNumber.json.data.map((m) => m.text)).toEqual(['Thanks!']);

    const future = new Date(Date.now() + 3_600_000).toISOString();
    const none = await api<InboundView[]>('GET', `/api/v1/messages/inbox?from=${encodeURIComponent(future)}`);
    expect(none.json.data).toEqual([]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof api<InboundView[]>>> = await api<InboundView[]>(
        'GET',
        `/api/v1/messages/inbox?enterpriseId=${tenant.enterpriseId}&size=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.json.data.length).toBeLessThanOrEqual(3);
      seen.push(...page.json.data.map((m) => m.id));
      cursor = page.json.pagination?.nextCursor ?? null;
    } while (cursor);
    expect(seen).toEqual(all.json.data.map((m) => m.id));
  });

  it("shows a customer only its enterprise's inbox, also through a read-scoped API key", async () => {
    const own = await api<InboundView[]>(
      'GET',
      '/api/v1/messages/inbox?size=500',
      undefined,
      tenant.admin.headers,
    );
    expect(own.status).toBe(200);
    expect(own.json.data.length).toBeGreaterThan(0);
    expect(own.json.data.every((m) => m.enterpriseId === tenant.enterpriseId)).toBe(true);

    const keys = app.services.identity.apiKeys;
    const reader = await keys.create(systemAuth('test'), {
      name: 'reader',
      ownerType: 'sending_account',
      ownerId: tenant.sendingAccountId,
      scopes: ['read'],
    });
    const viaKey = await api<InboundView[]>('GET', '/api/v1/messages/inbox?size=500', undefined, {
      'x-api-key': reader.key,
    } as unknown as SignedIn['headers']);
    expect(viaKey.status, viaKey.body).toBe(200);
    expect(viaKey.json.data.map((m) => m.id)).toEqual(own.json.data.map((m) => m.id));

    const sender = await keys.create(systemAuth('test'), {
      name: 'sender',
      ownerType: 'sending_account',
      ownerId: tenant.sendingAccountId,
      scopes: ['send'],
    });
    const denied = await api('GET', '/api/v1/messages/inbox', undefined, {
      'x-api-key': sender.key,
    } as unknown as SignedIn['headers']);
    expect(denied.status).toBe(403);
  });
});

describe('MS-6 HTTP provider callbacks', () => {
  let providerId: string;
  const TOKEN = 'cb-token-123456';

  beforeAll(async () => {
    const created = await api<{ id: string }>('POST', '/api/v1/providers', {
      name: 'http-mo',
      enabled: true,
      channel: 'sms',
      type: 'http',
      settings: {
        request: { url: 'http://127.0.0.1:9/send', json: { to: '{{to}}', text: '{{text}}' } },
        secretVariables: { callbackToken: TOKEN },
        receipt: { idPath: 'id', statusPath: 'status', statusMap: { ok: 'delivered', fail: 'undelivered' } },
      },
    });
    expect(created.status, created.body).toBe(200);
    providerId = created.json.data.id;
    await waitFor(() => app.services.providers.registry.get(providerId) !== undefined, {
      timeoutMs: 5000,
    });
  });

  it('refuses callbacks without the right token', async () => {
    const url = `/api/v1/hooks/providers/${providerId}/inbound`;
    const body = { from: '+447912345000', to: SHORT_CODE, text: 'hi' };
    expect((await app.inject({ method: 'POST', url, payload: body })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: `${url}?token=wrong`, payload: body })).statusCode).toBe(
      401,
    );
    const unknown = await app.inject({
      method: 'POST',
      url: `/api/v1/hooks/providers/${newId()}/inbound?token=${TOKEN}`,
      payload: body,
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('stores inbound messages posted as JSON or form fields', async () => {
    const url = `/api/v1/hooks/providers/${providerId}/inbound`;
    const json = await app.inject({
      method: 'POST',
      url,
      headers: { 'x-pigeon-token': TOKEN },
      payload: { from: '+447912345000', to: SHORT_CODE, text: 'Via HTTP' },
    });
    expect(json.statusCode, json.body).toBe(200);
    expect(json.json<{ data: { accepted: number } }>().data.accepted).toBe(1);
    expect(await latestInbound()).toMatchObject({
      providerId,
      from: '+447912345000',
      text: 'Via HTTP',
      enterpriseId: tenant.enterpriseId,
    });

    const form = await app.inject({
      method: 'POST',
      url: `${url}?token=${TOKEN}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ from: '447912345000', to: SHORT_CODE, text: 'STOP' }).toString(),
    });
    expect(form.statusCode, form.body).toBe(200);
    expect(await latestInbound()).toMatchObject({ classification: 'opt_out', providerId });
    expect(await checkSuppressed(tenant.enterpriseId, '+447912345000')).not.toBeNull();
  });

  it("hands receipt callbacks to the connector's receipt handlers", async () => {
    const connector = app.services.providers.registry.get(providerId);
    const receipts: DeliveryReceipt[] = [];
    const off = connector?.onReceipt((r) => {
      receipts.push(r);
    });
    try {
      const res = await app.inject({
        method: 'POST',
        url: `/api/v1/hooks/providers/${providerId}/receipts?token=${TOKEN}`,
        payload: { id: 'prov-42', status: 'ok' },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json<{ data: { accepted: number } }>().data.accepted).toBe(1);
      expect(receipts).toMatchObject([{ providerMessageId: 'prov-42', status: 'delivered', isFinal: true }]);
    } finally {
      off?.();
    }
  });

  it('stores inbound posted while the provider has no live connector (disabled, or an API-only process)', async () => {
    const res = await api('PATCH', `/api/v1/providers/${providerId}`, { enabled: false });
    expect(res.status, res.body).toBe(200);
    expect(app.services.providers.registry.get(providerId)).toBeUndefined();
    const posted = await app.inject({
      method: 'POST',
      url: `/api/v1/hooks/providers/${providerId}/inbound?token=${TOKEN}`,
      payload: { from: '+447912345009', to: SHORT_CODE, text: 'Still here' },
    });
    expect(posted.statusCode, posted.body).toBe(200);
    expect(await latestInbound()).toMatchObject({
      providerId,
      text: 'Still here',
      enterpriseId: tenant.enterpriseId,
    });
    const receipts = await app.inject({
      method: 'POST',
      url: `/api/v1/hooks/providers/${providerId}/receipts?token=${TOKEN}`,
      payload: { id: 'prov-43', status: 'ok' },
    });
    expect(receipts.statusCode).toBe(503);
  });
});

describe('MS-6 HTTP inbound parsing', () => {
  it('reads batched messages with a custom mapping and an epoch time, skipping incomplete items', () => {
    const got = parseHttpInbound(
      {
        messages: [
          { msisdn: '447912345000', dest: '10690001', body: 'Hi', ts: 1_700_000_000_000 },
          { msisdn: '447912345001', dest: '10690001', body: '您好' },
          { dest: '10690001', body: 'no sender' },
        ],
      },
      { itemsPath: 'messages', fromPath: 'msisdn', toPath: 'dest', textPath: 'body', receivedAtPath: 'ts' },
      new Date('2026-01-01T00:00:00Z'),
    );
    expect(got).toMatchObject([
      {
        from: '447912345000',
        to: '10690001',
        text: 'Hi',
        encoding: 'gsm7',
        receivedAt: new Date(1_700_000_000_000),
      },
      { from: '447912345001', text: '您好', encoding: 'ucs2', receivedAt: new Date('2026-01-01T00:00:00Z') },
    ]);
    expect(got).toHaveLength(2);
  });
});

describe('MS-7 acceptance: opt-out over SMPP and the send API', () => {
  it('an MO "STOP" makes the next send to the number fail with recipient_opted_out; "START" lifts it', async () => {
    const m = await setupMessaging(app);
    try {
      const number = '+447912888001';
      const code = '10690009';
      await addSender(m.tenant.enterpriseId, code);
      await waitFor(() => m.smsc.boundSessions > 0, { timeoutMs: 10_000 });

      const first = await m.send({
        channel: 'sms',
        from: code,
        to: number,
        text: 'Your parcel is on its way',
      });
      expect(first.status, JSON.stringify(first.json)).toBe(201);

      await m.smsc.injectMo({ from: number, to: code, text: 'STOP' });
      const stopped = await m.send({ channel: 'sms', from: code, to: number, text: 'Second notice' });
      expect(stopped.status).toBe(422);
      expect(stopped.json).toMatchObject({
        code: 'RECIPIENT_OPTED_OUT',
        errors: [{ field: 'to', reason: 'recipient_opted_out' }],
      });
      // The STOP was a reply to the first message, and matched the sending account.
      const inbound = await app.ctx.db
        .selectFrom('inbound_messages')
        .selectAll()
        .where('sender', '=', number)
        .orderBy('created_at', 'desc')
        .executeTakeFirstOrThrow();
      expect(inbound).toMatchObject({
        classification: 'opt_out',
        enterprise_id: m.tenant.enterpriseId,
        sending_account_id: m.tenant.sendingAccountId,
        provider_id: m.providerId,
      });
      const firstId = (first.json as { data: { id: string } }).data.id;
      expect(inbound.reply_to_message_id).toBe(firstId);

      await m.smsc.injectMo({ from: number, to: code, text: 'START' });
      const resumed = await m.send({ channel: 'sms', from: code, to: number, text: 'Welcome back' });
      expect(resumed.status, JSON.stringify(resumed.json)).toBe(201);
    } finally {
      await m.smsc.stop();
    }
  });
});
