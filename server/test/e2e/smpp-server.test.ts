// DL-8 acceptance, end to end over sockets: an ESME (the `smpp` package) binds to Pigeon's SMPP
// server and submits through the real accept path (validation, routing, charging); Pigeon
// delivers through the SMSC simulator and the receipts come back to the ESME as deliver_sm.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { signInAdmin, type SignedIn } from '../helpers/identity.js';
import { createEnterprise } from '../helpers/tenants.js';
import { systemAuth } from '../../src/platform/auth/auth-context.js';
import { buildConcatUdh, encodeGsm7, splitText } from '../../src/lib/sms/index.js';
import { SmscSimulator, waitFor } from '../../src/simulators/index.js';
import { Esme } from '../../src/modules/smpp-server/esme-client.test-helper.js';
import { fromSmppMessageId } from '../../src/lib/smpp/index.js';
import { ServerStatus } from '../../src/modules/smpp-server/smpp-pdu.js';
import type smpp from 'smpp';

const PASSWORD = 'e2epass1';
const UNIT_PRICE = 10_000;
const RETRY = new Set<number>([ServerStatus.ESME_RTHROTTLED, ServerStatus.ESME_RMSGQFUL]);

describe('DL-8 SMPP server end to end (real accept path, SMSC simulator)', () => {
  let app: TestApp;
  let admin: SignedIn;
  let sim: SmscSimulator;
  let port: number;
  let enterpriseId: string;
  const clients: Esme[] = [];
  let seq = 0;

  const smppAccount = async (over: Record<string, unknown> = {}) => {
    const systemId = `e2e${++seq}`;
    const created = await app.services.customers.sendingAccounts.create(systemAuth('test'), {
      enterpriseId,
      name: `smpp ${systemId}`,
      allowedChannels: ['sms'],
      dailyLimit: 1_000_000,
      smppSystemId: systemId,
      smppPassword: PASSWORD,
      ...over,
    });
    return { id: created.id, systemId };
  };
  const bound = async (
    systemId: string,
    mode: 'transceiver' | 'transmitter' | 'receiver' = 'transceiver',
  ) => {
    const c = await Esme.connect(port);
    clients.push(c);
    expect(await c.bind(systemId, PASSWORD, mode)).toBe(ServerStatus.ESME_ROK);
    return c;
  };
  /** Submits, retrying while Pigeon says "not now" (throttled, queue full). */
  const submitWithRetry = async (
    c: Esme,
    fields: smpp.PduFields,
  ): Promise<{ resp: smpp.PDU; retries: number }> => {
    let retries = 0;
    for (;;) {
      const resp = await c.submit(fields);
      if (!RETRY.has(resp.command_status)) {
        return { resp, retries };
      }
      retries++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const api = async <T>(
    method: 'GET' | 'POST',
    url: string,
    payload?: Record<string, unknown>,
  ): Promise<T> => {
    const res = await app.inject({ method, url, headers: admin.headers, payload });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ data: T }>().data;
  };

  beforeAll(async () => {
    app = await createTestApp();
    await app.ready();
    admin = await signInAdmin(app);
    sim = new SmscSimulator({ systemId: 'pigeon', password: 'simpass1', instant: true });
    const simPort = await sim.start();
    const provider = await api<{ id: string }>('POST', '/api/v1/providers', {
      name: 'smsc-sim',
      channel: 'sms',
      type: 'smpp',
      enabled: true,
      settings: {
        host: '127.0.0.1',
        port: simPort,
        systemId: 'pigeon',
        password: 'simpass1',
        connectTimeoutMs: 2000,
        reconnectInitialDelayMs: 50,
        reconnectMaxDelayMs: 200,
      },
    });
    const { registry } = app.services.providers;
    await waitFor(
      async () => {
        await registry.probeAll();
        return (await registry.snapshot()).get(provider.id)?.healthy;
      },
      { timeoutMs: 10_000, message: 'the SMSC provider to be healthy' },
    );
    await api('POST', '/api/v1/routes', {
      name: 'all sms to the simulator',
      channel: 'sms',
      tiers: [{ providers: [{ providerId: provider.id, weight: 1 }] }],
    });
    const plan = await api<{ id: string }>('POST', '/api/v1/billing/plans', {
      name: 'SMPP e2e',
      currency: 'USD',
      isDefault: true,
    });
    await api('POST', `/api/v1/billing/plans/${plan.id}/prices`, {
      channel: 'sms',
      country: 'GB',
      price: UNIT_PRICE,
    });
    enterpriseId = (await createEnterprise(app)).id;
    await app.services.billing.ledger.recharge(systemAuth('test'), {
      enterpriseId,
      amount: 1_000_000_000,
      method: 'cash',
    });
    port = await app.services.smppServer.start({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await app.close();
    await sim.stop();
  });

  it('takes 1 000 submits with registered_delivery and returns 1 000 receipts as deliver_sm', async () => {
    const acct = await smppAccount();
    const c = await bound(acct.systemId);
    const ids: string[] = [];
    const window = 50;
    for (let i = 0; i < 1000; i += window) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(window, 1000 - i) }, (_, k) =>
          submitWithRetry(c, {
            destination_addr: `4479000${String(i + k).padStart(5, '0')}`,
            registered_delivery: 1,
            short_message: encodeGsm7(`bulk message ${i + k}`),
          }),
        ),
      );
      for (const { resp } of batch) {
        expect(resp.command_status).toBe(ServerStatus.ESME_ROK);
        ids.push(String(resp.message_id));
      }
    }
    expect(new Set(ids).size).toBe(1000);
    await waitFor(() => c.delivered.length >= 1000, { timeoutMs: 90_000, message: '1 000 receipts' }).catch(
      async (err: unknown) => {
        const byStatus = await app.ctx.db
          .selectFrom('messages')
          .select(['status', ({ fn }) => fn.countAll<number>().as('n')])
          .where('sending_account_id', '=', acct.id)
          .groupBy('status')
          .execute();
        const kept = await app.ctx.db
          .selectFrom('smpp_pending_deliveries')
          .select(({ fn }) => fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        throw new Error(
          `${String(err)}; got ${c.delivered.length}; messages ${JSON.stringify(byStatus)}; kept ${kept.n}; ` +
            `simulator ${JSON.stringify(sim.counters)}`,
        );
      },
    );
    const receipts = c.delivered.filter((d) => d.esmClass === 0x04);
    expect(receipts).toHaveLength(1000);
    expect(new Set(receipts.map((r) => r.receiptedMessageId))).toEqual(new Set(ids));
    expect(receipts.every((r) => r.text.includes('stat:DELIVRD'))).toBe(true);
    const delivered = await app.ctx.db
      .selectFrom('messages')
      .select(({ fn }) => fn.countAll<number>().as('n'))
      .where('sending_account_id', '=', acct.id)
      .where('status', '=', 'delivered')
      .executeTakeFirstOrThrow();
    expect(Number(delivered.n)).toBe(1000);
  }, 180_000);

  it('turns a 3-part UDH submit into one message charged for 3 segments', async () => {
    const acct = await smppAccount();
    const c = await bound(acct.systemId);
    const text = 'Long messages arrive in parts and Pigeon joins them before charging. '.repeat(6).trim();
    const texts = splitText(text, 'gsm7');
    expect(texts).toHaveLength(3);
    const resps = await Promise.all(
      texts.map((t, i) =>
        c.submit({
          destination_addr: '447912345678',
          esm_class: 0x40,
          short_message: Buffer.concat([
            buildConcatUdh({ reference: 7, total: 3, sequence: i + 1 }),
            encodeGsm7(t),
          ]),
        }),
      ),
    );
    expect(resps.map((r) => r.command_status)).toEqual([0, 0, 0]);
    const messageId = fromSmppMessageId(String(resps[0]?.message_id), 'hex');
    const rows = await app.ctx.db
      .selectFrom('messages')
      .selectAll()
      .where('sending_account_id', '=', acct.id)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: messageId, body: text, segments: 3, source: 'smpp' });
    expect(Number(rows[0]?.price)).toBe(3 * UNIT_PRICE);
  });

  it('refuses a wrong password and writes it to the login log', async () => {
    const acct = await smppAccount();
    const c = await Esme.connect(port);
    clients.push(c);
    expect(await c.bind(acct.systemId, 'not-it')).toBe(ServerStatus.ESME_RBINDFAIL);
    const log = await app.ctx.db
      .selectFrom('login_logs')
      .selectAll()
      .where('username', '=', acct.systemId)
      .executeTakeFirstOrThrow();
    expect(log).toMatchObject({
      channel: 'smpp',
      success: 0,
      reason: 'wrong_password',
      enterprise_id: enterpriseId,
    });
  });

  it('answers ESME_RTHROTTLED over the account TPS and loses nothing when the client retries', async () => {
    const acct = await smppAccount({ tpsLimit: 5 });
    const c = await bound(acct.systemId);
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        submitWithRetry(c, { destination_addr: '447912345678', short_message: encodeGsm7(`tps ${i}`) }),
      ),
    );
    expect(results.every((r) => r.resp.command_status === ServerStatus.ESME_ROK)).toBe(true);
    expect(results.reduce((sum, r) => sum + r.retries, 0)).toBeGreaterThan(0);
    const rows = await app.ctx.db
      .selectFrom('messages')
      .select(['id', 'body'])
      .where('sending_account_id', '=', acct.id)
      .execute();
    expect(rows).toHaveLength(30);
    expect(new Set(rows.map((r) => r.body))).toEqual(
      new Set(Array.from({ length: 30 }, (_, i) => `tps ${i}`)),
    );
  });

  it('forwards a reply from the handset (MO through the SMSC and the inbox) as deliver_sm', async () => {
    const acct = await smppAccount();
    const c = await bound(acct.systemId);
    const sent = await c.submit({
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: '447700900999',
      destination_addr: '447912345600',
      short_message: encodeGsm7('Reply YES to confirm'),
    });
    expect(sent.command_status).toBe(ServerStatus.ESME_ROK);
    await sim.injectMo({ from: '447912345600', to: '447700900999', text: 'YES, see you at 5 😀' });
    const mo = await waitFor(() => c.delivered.find((d) => d.esmClass === 0), {
      timeoutMs: 10_000,
      message: 'the MO as deliver_sm',
    });
    expect(mo).toMatchObject({
      source: '447912345600',
      destination: '447700900999',
      dataCoding: 8,
      text: 'YES, see you at 5 😀',
    });
  });

  it('delivers a receipt produced while the customer was unbound after it binds again', async () => {
    const acct = await smppAccount();
    sim.configure({ instant: false, receiptDelayMs: 300 });
    try {
      const c = await bound(acct.systemId);
      const resp = await c.submit({
        destination_addr: '447912345678',
        registered_delivery: 1,
        short_message: encodeGsm7('while you were away'),
      });
      expect(resp.command_status).toBe(0);
      const messageId = fromSmppMessageId(String(resp.message_id), 'hex') ?? '';
      expect((await c.request('unbind')).command_status).toBe(0);
      await waitFor(
        async () =>
          (
            await app.ctx.db
              .selectFrom('messages')
              .select('status')
              .where('id', '=', messageId)
              .executeTakeFirst()
          )?.status === 'delivered',
        { timeoutMs: 15_000, message: 'the message to be delivered' },
      );
      await waitFor(
        async () =>
          (
            await app.ctx.db
              .selectFrom('smpp_pending_deliveries')
              .select('id')
              .where('sending_account_id', '=', acct.id)
              .execute()
          ).length === 1,
        { message: 'the receipt to be kept' },
      );
      expect(c.delivered).toHaveLength(0);
      const again = await bound(acct.systemId, 'transceiver');
      const receipt = await waitFor(() => again.delivered[0], { message: 'the kept receipt' });
      expect(receipt).toMatchObject({ esmClass: 0x04, receiptedMessageId: resp.message_id });
      expect(receipt.text).toContain('stat:DELIVRD');
      // query_sm answers from the message store.
      const query = await again.request('query_sm', { message_id: resp.message_id });
      expect(query).toMatchObject({ command_status: 0, message_id: resp.message_id, message_state: 2 });
      // The package reads final_date (YYMMDDhhmmss000+, UTC) into a Date.
      expect(query.final_date).toBeInstanceOf(Date);
      expect(Math.abs((query.final_date as Date).getTime() - Date.now())).toBeLessThan(60_000);
      const unknown = await again.request('query_sm', { message_id: 'f'.repeat(32) });
      expect(unknown.command_status).toBe(ServerStatus.ESME_RQUERYFAIL);
    } finally {
      sim.configure({ instant: true, receiptDelayMs: 0 });
    }
  });
});
