// DL-8 SMPP server: binding, submits mapped onto the accept path (a fake here, the real one in
// test/e2e/smpp-server.test.ts), reassembly, encodings, receipts and MOs as deliver_sm with a
// window, keeping them for unbound accounts, and the live-binds API. Real sockets throughout.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { signInAdmin, type SignedIn } from '../../../test/helpers/identity.js';
import { createTenant, type Tenant } from '../../../test/helpers/tenants.js';
import { systemAuth } from '../../platform/auth/auth-context.js';
import { AppError } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids.js';
import { buildConcatUdh, encodeGsm7, encodeUcs2, splitText } from '../../lib/sms/index.js';
import { waitFor } from '../../simulators/wait-for.js';
import type {
  AcceptOrigin,
  AcceptResult,
  MessageStatusEvent,
  SendItem,
} from '../messages/messages.contract.js';
import { Esme } from './esme-client.test-helper.js';
import { MESSAGE_INBOUND_EVENT } from '../messages/inbox.service.js';
import { SmppServer, type AcceptFn } from './smpp-server.js';
import { fromSmppMessageId, toSmppMessageId } from '../../lib/smpp/index.js';
import { ServerStatus } from './smpp-pdu.js';

const PASSWORD = 'sm9pass';

interface FakeAccept {
  calls: Array<{ origin: AcceptOrigin; items: SendItem[] }>;
  next: Array<(item: SendItem) => AcceptResult | Error>;
  fn: AcceptFn;
}

function fakeAccept(): FakeAccept {
  const fake: FakeAccept = {
    calls: [],
    next: [],
    fn: (origin, items) => {
      fake.calls.push({ origin, items });
      const behave = fake.next.shift();
      const results = items.map((item): AcceptResult | Error => {
        if (behave) {
          return behave(item);
        }
        return {
          ok: true,
          id: newId(),
          status: 'queued',
          to: item.to,
          channel: 'sms',
          country: 'GB',
          segments: 1,
          encoding: 'gsm7',
          price: 0,
          currency: 'USD',
          clientRef: null,
        };
      });
      const error = results.find((r): r is Error => r instanceof Error);
      return error ? Promise.reject(error) : Promise.resolve(results as AcceptResult[]);
    },
  };
  return fake;
}

function statusEvent(
  messageId: string,
  accountId: string,
  enterpriseId: string,
  over: Partial<MessageStatusEvent> = {},
): MessageStatusEvent {
  return {
    messageId,
    enterpriseId,
    sendingAccountId: accountId,
    source: 'smpp',
    channel: 'sms',
    status: 'delivered',
    to: '+447912345678',
    from: 'Pigeon',
    country: 'GB',
    providerId: null,
    segments: 1,
    price: 0,
    clientRef: null,
    errorCode: null,
    textStart: 'hello there',
    createdAt: '2026-11-23T12:00:00.000Z',
    at: '2026-11-23T12:00:05.000Z',
    ...over,
  };
}

describe('DL-8 SMPP server over sockets (fake accept path)', () => {
  let app: TestApp;
  let server: SmppServer;
  let fake: FakeAccept;
  let tenant: Tenant;
  let systemId: string;
  const clients: Esme[] = [];
  let seq = 0;

  const connect = async (): Promise<Esme> => {
    const c = await Esme.connect(server.port);
    clients.push(c);
    return c;
  };
  const bound = async (id = systemId, mode: 'transceiver' | 'transmitter' | 'receiver' = 'transceiver') => {
    const c = await connect();
    expect(await c.bind(id, PASSWORD, mode)).toBe(ServerStatus.ESME_ROK);
    return c;
  };
  const smppAccount = async (
    enterpriseId: string,
    over: Record<string, unknown> = {},
  ): Promise<{ id: string; systemId: string }> => {
    const id = `esme${++seq}`;
    const created = await app.services.customers.sendingAccounts.create(systemAuth('test'), {
      enterpriseId,
      name: `smpp ${id}`,
      allowedChannels: ['sms'],
      smppSystemId: id,
      smppPassword: PASSWORD,
      ...over,
    });
    return { id: created.id, systemId: id };
  };

  beforeAll(async () => {
    app = await createTestApp();
    await app.ready();
    // This file's server takes the fake accept path: the platform's own instance stands aside.
    await app.services.smppServer.close();
    tenant = await createTenant(app);
    systemId = (await smppAccount(tenant.enterpriseId)).systemId;
    fake = fakeAccept();
    server = new SmppServer(app.ctx, {
      accept: fake.fn,
      audit: app.services.audit,
      idleTimeoutMs: 60_000,
      responseTimeoutMs: 300,
      reassemblyTimeoutMs: 2_000,
      windowSize: 3,
    });
    await server.start({ port: 0, host: '127.0.0.1' });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    fake.calls.length = 0;
    fake.next.length = 0;
    await waitFor(() => server.list(null).length === 0, { message: 'binds to close' });
    await server.settle();
  });
  afterAll(async () => {
    await server.close();
    await app.close();
  });

  const accountIdOf = async (sid: string): Promise<string> =>
    (
      await app.ctx.db
        .selectFrom('sending_accounts')
        .select('id')
        .where('smpp_system_id', '=', sid)
        .executeTakeFirstOrThrow()
    ).id;

  it('binds as transceiver, answers enquire_link and unbinds cleanly', async () => {
    const c = await bound();
    expect((await c.request('enquire_link')).command_status).toBe(0);
    expect(server.list(null)).toEqual([
      expect.objectContaining({
        systemId,
        bindType: 'transceiver',
        ip: '127.0.0.1',
        enterpriseId: tenant.enterpriseId,
      }),
    ]);
    expect((await c.request('unbind')).command_status).toBe(0);
    await waitFor(() => c.closed, { message: 'the server to close after unbind' });
  });

  it('refuses a wrong password with ESME_RBINDFAIL and writes the login log', async () => {
    const c = await connect();
    expect(await c.bind(systemId, 'wrong')).toBe(ServerStatus.ESME_RBINDFAIL);
    await waitFor(() => c.closed, { message: 'the refused connection to close' });
    const unknown = await connect();
    expect(await unknown.bind('nobody', PASSWORD)).toBe(ServerStatus.ESME_RBINDFAIL);
    const logs = await app.ctx.db
      .selectFrom('login_logs')
      .selectAll()
      .where('channel', '=', 'smpp')
      .where('success', '=', 0)
      .execute();
    expect(logs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          username: systemId,
          reason: 'wrong_password',
          ip: '127.0.0.1',
          enterprise_id: tenant.enterpriseId,
        }),
        expect.objectContaining({ username: 'nobody', reason: 'unknown_system_id' }),
      ]),
    );
    await bound();
    const ok = await app.ctx.db
      .selectFrom('login_logs')
      .selectAll()
      .where('channel', '=', 'smpp')
      .where('username', '=', systemId)
      .where('success', '=', 1)
      .execute();
    expect(ok.length).toBeGreaterThan(0);
  });

  it('refuses suspended accounts, addresses outside the allow-list and binds over the maximum', async () => {
    const suspended = await smppAccount(tenant.enterpriseId);
    await app.services.customers.sendingAccounts.update(systemAuth('test'), suspended.id, {
      status: 'suspended',
    });
    expect(await (await connect()).bind(suspended.systemId, PASSWORD)).toBe(ServerStatus.ESME_RBINDFAIL);

    const fenced = await smppAccount(tenant.enterpriseId, { smppIpAllowlist: ['10.0.0.0/8'] });
    expect(await (await connect()).bind(fenced.systemId, PASSWORD)).toBe(ServerStatus.ESME_RBINDFAIL);
    const open = await smppAccount(tenant.enterpriseId, { smppIpAllowlist: ['10.0.0.0/8', '127.0.0.0/8'] });
    await bound(open.systemId);

    const single = await smppAccount(tenant.enterpriseId, { smppMaxBinds: 1 });
    await bound(single.systemId, 'transmitter');
    expect(await (await connect()).bind(single.systemId, PASSWORD, 'receiver')).toBe(
      ServerStatus.ESME_RBINDFAIL,
    );
    const reasons = (
      await app.ctx.db.selectFrom('login_logs').select('reason').where('channel', '=', 'smpp').execute()
    ).map((r) => r.reason);
    expect(reasons).toEqual(
      expect.arrayContaining(['account_suspended', 'ip_not_allowed', 'too_many_binds']),
    );
  });

  it('disconnects the binds of an enterprise when it is suspended', async () => {
    const ent = await createTenant(app);
    const acct = await smppAccount(ent.enterpriseId);
    const c = await bound(acct.systemId);
    const bystander = await bound();
    await app.services.customers.enterprises.setStatus(systemAuth('test'), ent.enterpriseId, 'suspended');
    await waitFor(() => c.closed, { message: 'the suspended enterprise to be unbound' });
    expect(bystander.closed).toBe(false);
    expect(await (await connect()).bind(acct.systemId, PASSWORD)).toBe(ServerStatus.ESME_RBINDFAIL);
  });

  it('answers a submit before bind, from a receiver, or a second bind with the proper status', async () => {
    const c = await connect();
    expect((await c.submit({ destination_addr: '447912345678', short_message: 'x' })).command_status).toBe(
      ServerStatus.ESME_RINVBNDSTS,
    );
    const r = await bound(systemId, 'receiver');
    expect((await r.submit({ destination_addr: '447912345678', short_message: 'x' })).command_status).toBe(
      ServerStatus.ESME_RINVBNDSTS,
    );
    expect(await r.bind(systemId, PASSWORD)).toBe(ServerStatus.ESME_RALYBND);
    expect((await r.request('query_sm', { message_id: '1' })).command_status).toBe(
      ServerStatus.ESME_RINVBNDSTS,
    );
    expect((await r.request('cancel_sm', { message_id: '1' })).command_status).toBe(
      ServerStatus.ESME_RINVCMDID,
    );
    expect(fake.calls).toHaveLength(0);
  });

  it('hands a submit_sm to the accept path and answers with the message id in the account format', async () => {
    const c = await bound();
    const resp = await c.submit({
      source_addr: 'Acme',
      destination_addr: '447912345678',
      registered_delivery: 1,
      validity_period: '000000010000000R',
      short_message: encodeGsm7('Hello [world]'),
    });
    expect(resp.command_status).toBe(0);
    expect(fake.calls).toHaveLength(1);
    const [call] = fake.calls;
    expect(call?.origin).toEqual({ accountId: await accountIdOf(systemId), source: 'smpp' });
    expect(call?.items[0]).toMatchObject({
      channel: 'sms',
      to: '+447912345678',
      from: 'Acme',
      text: 'Hello [world]',
      validityPeriod: 3600,
      metadata: { smpp_dlr: '1', smpp_validity: '3600' },
    });
    expect(resp.message_id).toMatch(/^[0-9a-f]{32}$/);

    const dec = await smppAccount(tenant.enterpriseId, { smppIdFormat: 'decimal' });
    const d = await bound(dec.systemId);
    const r2 = await d.submit({ destination_addr: '447912345678', short_message: 'hi' });
    expect(r2.message_id).toMatch(/^\d+$/);
    expect(fromSmppMessageId(String(r2.message_id), 'decimal')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('maps refusals and throttling onto SMPP statuses', async () => {
    const c = await bound();
    const reject = (code: string, reason: string, field?: string) => (): AcceptResult => ({
      ok: false,
      code,
      reason,
      message: reason,
      ...(field ? { field } : {}),
    });
    const cases: Array<[() => AcceptResult | Error, number]> = [
      [reject('VALIDATION_FAILED', 'invalid_number', 'to'), ServerStatus.ESME_RINVDSTADR],
      [reject('SENDER_NOT_ALLOWED', 'sender_not_approved', 'from'), ServerStatus.ESME_RINVSRCADR],
      [reject('RECIPIENT_OPTED_OUT', 'recipient_opted_out', 'to'), ServerStatus.ESME_RX_R_APPN],
      [reject('INSUFFICIENT_BALANCE', 'insufficient_balance'), ServerStatus.ESME_RSUBMITFAIL],
      [() => new AppError('THROTTLED', 429), ServerStatus.ESME_RTHROTTLED],
      [() => new AppError('BACKLOG_FULL', 503), ServerStatus.ESME_RMSGQFUL],
    ];
    for (const [behave, status] of cases) {
      fake.next.push(behave);
      const resp = await c.submit({ destination_addr: '447912345678', short_message: 'x' });
      expect(resp.command_status).toBe(status);
    }
    // Checked before the accept path: a coding Pigeon cannot read, a bad validity period.
    expect(
      (await c.submit({ destination_addr: '447912345678', data_coding: 4, short_message: Buffer.from([1]) }))
        .command_status,
    ).toBe(ServerStatus.ESME_RINVDCS);
    expect(
      (
        await c.submit({
          destination_addr: '447912345678',
          validity_period: 'not-a-valid-time',
          short_message: 'x',
        })
      ).command_status,
    ).toBe(ServerStatus.ESME_RINVEXPIRY);
    expect(fake.calls).toHaveLength(cases.length);
  });

  it('decodes UCS-2, Latin-1 and message_payload submits, and accepts data_sm', async () => {
    const c = await bound();
    await c.submit({
      destination_addr: '447912345678',
      data_coding: 8,
      short_message: encodeUcs2('你好，世界 😀'),
    });
    await c.submit({
      destination_addr: '447912345678',
      data_coding: 3,
      short_message: Buffer.from('Grüße', 'latin1'),
    });
    const long = 'x'.repeat(400);
    await c.submit({
      destination_addr: '447912345678',
      data_coding: 1,
      message_payload: Buffer.from(long, 'ascii'),
    });
    const data = await c.request('data_sm', {
      source_addr: 'Acme',
      dest_addr_ton: 1,
      destination_addr: '447912345678',
      message_payload: encodeGsm7('data sm'),
    });
    expect(data.command_status).toBe(0);
    expect(data.message_id).toMatch(/^[0-9a-f]{32}$/);
    expect(fake.calls.map((x) => x.items[0]?.text)).toEqual(['你好，世界 😀', 'Grüße', long, 'data sm']);
  });

  it('reassembles a 3-part UDH message sent out of order into one accept, answering every part with its id', async () => {
    const c = await bound();
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(8).trim();
    const texts = splitText(text, 'gsm7');
    expect(texts).toHaveLength(3);
    const parts = texts.map((t, i) =>
      Buffer.concat([buildConcatUdh({ reference: 42, total: 3, sequence: i + 1 }), encodeGsm7(t)]),
    );
    const resps = await Promise.all(
      [2, 0, 1].map((i) =>
        c.submit({
          destination_addr: '447912345678',
          esm_class: 0x40,
          registered_delivery: 1,
          short_message: parts[i],
        }),
      ),
    );
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]?.items[0]?.text).toBe(text);
    expect(resps.map((r) => r.command_status)).toEqual([0, 0, 0]);
    expect(new Set(resps.map((r) => r.message_id)).size).toBe(1);
  });

  it('reassembles SAR parts and refuses parts whose message never completes', async () => {
    const c = await bound();
    const sar = (seqnum: number, text: string) =>
      c.submit({
        destination_addr: '447912345678',
        short_message: text,
        sar_msg_ref_num: 513,
        sar_total_segments: 2,
        sar_segment_seqnum: seqnum,
      });
    const [a, b] = await Promise.all([sar(1, 'first half, '), sar(2, 'second half')]);
    expect([a.command_status, b.command_status]).toEqual([0, 0]);
    expect(fake.calls[0]?.items[0]?.text).toBe('first half, second half');
    // Part 1 of 2 alone: refused when the reassembly timeout passes.
    const lonely = await c.submit({
      destination_addr: '447912345678',
      short_message: 'alone',
      sar_msg_ref_num: 9,
      sar_total_segments: 2,
      sar_segment_seqnum: 1,
    });
    expect(lonely.command_status).toBe(ServerStatus.ESME_RSUBMITFAIL);
    expect(fake.calls).toHaveLength(1);
  });

  it('sends a receipt as deliver_sm with the standard text and TLVs when the message is final', async () => {
    const c = await bound();
    const resp = await c.submit({
      destination_addr: '447912345678',
      registered_delivery: 1,
      short_message: 'hello there',
    });
    const smppId = String(resp.message_id);
    const messageId = fromSmppMessageId(smppId, 'hex') ?? '';
    const accountId = await accountIdOf(systemId);
    app.ctx.events.emit(
      'message.status',
      statusEvent(messageId, accountId, tenant.enterpriseId, { status: 'sent' }),
    );
    app.ctx.events.emit('message.status', statusEvent(messageId, accountId, tenant.enterpriseId));
    const receipt = await waitFor(() => c.delivered[0], { message: 'the receipt' });
    expect(c.delivered).toHaveLength(1);
    expect(receipt).toMatchObject({
      esmClass: 0x04,
      source: '447912345678',
      destination: 'Pigeon',
      receiptedMessageId: smppId,
      messageState: 2,
    });
    expect(receipt.text).toBe(
      `id:${smppId} sub:001 dlvrd:001 submit date:2611231200 done date:2611231200 stat:DELIVRD err:000 text:hello there`,
    );
    // registered_delivery 2: failures only.
    const r2 = await c.submit({
      destination_addr: '447912345678',
      registered_delivery: 2,
      short_message: 'x',
    });
    const id2 = fromSmppMessageId(String(r2.message_id), 'hex') ?? '';
    app.ctx.events.emit('message.status', statusEvent(id2, accountId, tenant.enterpriseId));
    const r3 = await c.submit({
      destination_addr: '447912345678',
      registered_delivery: 2,
      short_message: 'y',
    });
    const id3 = fromSmppMessageId(String(r3.message_id), 'hex') ?? '';
    app.ctx.events.emit(
      'message.status',
      statusEvent(id3, accountId, tenant.enterpriseId, { status: 'undelivered', errorCode: '11' }),
    );
    const failed = await waitFor(() => c.delivered[1], { message: 'the failure receipt' });
    expect(failed.text).toContain(`id:${toSmppMessageId(id3, 'hex')} `);
    expect(failed.text).toContain('stat:UNDELIV err:011');
    await server.settle();
    expect(c.delivered).toHaveLength(2);
  });

  it('keeps receipts and MOs while the account is unbound and sends them after it binds', async () => {
    const acct = await smppAccount(tenant.enterpriseId);
    const tx = await bound(acct.systemId, 'transmitter');
    const resp = await tx.submit({
      destination_addr: '447912345678',
      registered_delivery: 1,
      short_message: 'kept',
    });
    const messageId = fromSmppMessageId(String(resp.message_id), 'hex') ?? '';
    app.ctx.events.emit(
      'message.status',
      statusEvent(messageId, acct.id, tenant.enterpriseId, { textStart: 'kept' }),
    );
    app.ctx.events.emit(MESSAGE_INBOUND_EVENT, {
      inboundId: newId(),
      enterpriseId: tenant.enterpriseId,
      sendingAccountId: acct.id,
      from: '+447700900123',
      to: '+447700900999',
      text: 'reply from a handset',
      receivedAt: new Date().toISOString(),
      classification: 'reply',
    });
    await server.settle();
    const kept = await app.ctx.db
      .selectFrom('smpp_pending_deliveries')
      .selectAll()
      .where('sending_account_id', '=', acct.id)
      .execute();
    expect(kept.map((k) => k.kind).sort()).toEqual(['mo', 'receipt']);
    expect(tx.delivered).toHaveLength(0);

    const rx = await bound(acct.systemId, 'receiver');
    await waitFor(() => rx.delivered.length === 2, { message: 'kept deliveries after bind' });
    expect(rx.delivered[0]).toMatchObject({
      esmClass: 0x04,
      receiptedMessageId: toSmppMessageId(messageId, 'hex'),
    });
    expect(rx.delivered[1]).toMatchObject({
      esmClass: 0,
      source: '447700900123',
      destination: '447700900999',
      text: 'reply from a handset',
    });
    await waitFor(
      async () =>
        (
          await app.ctx.db
            .selectFrom('smpp_pending_deliveries')
            .select('id')
            .where('sending_account_id', '=', acct.id)
            .execute()
        ).length === 0,
      { message: 'acknowledged rows to be deleted' },
    );
  });

  it('sends a long MO as UDH parts and ignores MOs of accounts without SMPP', async () => {
    const c = await bound();
    const accountId = await accountIdOf(systemId);
    const text = '长消息'.repeat(30);
    app.ctx.events.emit(MESSAGE_INBOUND_EVENT, {
      inboundId: newId(),
      enterpriseId: tenant.enterpriseId,
      sendingAccountId: accountId,
      from: '+8613800138000',
      to: '+447700900999',
      text,
      receivedAt: new Date().toISOString(),
      classification: 'reply',
    });
    await waitFor(() => c.delivered.length === 2, { message: 'two MO parts' });
    expect(c.delivered.every((d) => d.udh && d.dataCoding === 8)).toBe(true);
    expect(c.delivered.map((d) => d.text).join('')).toBe(text);
    app.ctx.events.emit(MESSAGE_INBOUND_EVENT, {
      inboundId: newId(),
      enterpriseId: tenant.enterpriseId,
      sendingAccountId: tenant.sendingAccountId,
      from: '+8613800138000',
      to: '+447700900999',
      text: 'not for smpp',
      receivedAt: new Date().toISOString(),
      classification: 'reply',
    });
    await server.settle();
    const rows = await app.ctx.db
      .selectFrom('smpp_pending_deliveries')
      .select('id')
      .where('sending_account_id', '=', tenant.sendingAccountId)
      .execute();
    expect(rows).toHaveLength(0);
  });

  it('keeps at most a window of unanswered deliver_sm per bind and resends them on timeout', async () => {
    const c = await bound();
    c.autoAck = false;
    const accountId = await accountIdOf(systemId);
    for (let i = 0; i < 5; i++) {
      app.ctx.events.emit(MESSAGE_INBOUND_EVENT, {
        inboundId: newId(),
        enterpriseId: tenant.enterpriseId,
        sendingAccountId: accountId,
        from: '+447700900123',
        to: '+447700900999',
        text: `mo ${i}`,
        receivedAt: new Date().toISOString(),
        classification: 'reply',
      });
    }
    await waitFor(() => c.delivered.length >= 3, { message: 'the first window' });
    expect(c.delivered.map((d) => d.text)).toEqual(['mo 0', 'mo 1', 'mo 2']);
    expect(server.list(null)[0]).toMatchObject({ outstandingDeliveries: 3, queuedDeliveries: 2 });
    // Unanswered: the same three come again after the response timeout.
    await waitFor(() => c.delivered.length >= 6, { message: 'the resend' });
    expect(c.delivered.slice(3, 6).map((d) => d.text)).toEqual(['mo 0', 'mo 1', 'mo 2']);
    c.autoAck = true;
    await waitFor(() => c.delivered.some((d) => d.text === 'mo 4'), {
      message: 'the rest after acks resume',
    });
    await waitFor(
      () => server.list(null)[0]?.queuedDeliveries === 0 && server.list(null)[0]?.outstandingDeliveries === 0,
      {
        message: 'queue drained',
      },
    );
  });

  it('refuses every bind from an address after 30 failed ones, the right password included', async () => {
    const guarded = new SmppServer(app.ctx, { accept: fake.fn, audit: app.services.audit });
    const port = await guarded.start({ port: 0, host: '127.0.0.1' });
    try {
      const c = await Esme.connect(port);
      clients.push(c);
      // A refused bind closes the connection; each attempt gets its own.
      for (let i = 0; i < 30; i++) {
        const attempt = await Esme.connect(port);
        clients.push(attempt);
        expect(await attempt.bind(systemId, `wrong${i}`)).toBe(ServerStatus.ESME_RBINDFAIL);
      }
      expect(await c.bind(systemId, PASSWORD)).toBe(ServerStatus.ESME_RBINDFAIL);
      const last = await app.ctx.db
        .selectFrom('login_logs')
        .select('reason')
        .where('channel', '=', 'smpp')
        .where('username', '=', systemId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      expect(last.reason).toBe('ip_rate_limited');
    } finally {
      await guarded.close();
    }
  });

  it('speaks TLS when given a key and a certificate', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-smpp-tls-'));
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    const made = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
    ]);
    expect(made.status, `openssl: ${String(made.stderr)}`).toBe(0);
    const secure = new SmppServer(app.ctx, { accept: fake.fn, audit: app.services.audit });
    const port = await secure.start({ port: 0, host: '127.0.0.1', tlsKeyFile: key, tlsCertFile: cert });
    try {
      const c = await Esme.connect(port, '127.0.0.1', true);
      clients.push(c);
      expect(await c.bind(systemId, PASSWORD)).toBe(ServerStatus.ESME_ROK);
      expect(
        (await c.submit({ destination_addr: '447912345678', short_message: 'over tls' })).command_status,
      ).toBe(0);
      expect(fake.calls.at(-1)?.items[0]?.text).toBe('over tls');
      await c.close();
    } finally {
      await secure.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('offers a refused deliver_sm again a second later', async () => {
    const c = await bound();
    c.ackStatus = ServerStatus.ESME_RX_T_APPN;
    app.ctx.events.emit(MESSAGE_INBOUND_EVENT, {
      inboundId: newId(),
      enterpriseId: tenant.enterpriseId,
      sendingAccountId: await accountIdOf(systemId),
      from: '+447700900123',
      to: '+447700900999',
      text: 'try again',
      receivedAt: new Date().toISOString(),
      classification: 'reply',
    });
    await waitFor(() => c.delivered.length === 1, { message: 'the first offer' });
    c.ackStatus = 0;
    await waitFor(() => c.delivered.length === 2, { message: 'the second offer', timeoutMs: 5_000 });
    expect(c.delivered.map((d) => d.text)).toEqual(['try again', 'try again']);
    await waitFor(() => server.list(null)[0]?.outstandingDeliveries === 0, { message: 'the ack' });
  });

  it('closes a connection that stays idle', async () => {
    const quick = new SmppServer(app.ctx, {
      accept: fake.fn,
      audit: app.services.audit,
      idleTimeoutMs: 200,
    });
    const port = await quick.start({ port: 0, host: '127.0.0.1' });
    try {
      const c = await Esme.connect(port);
      expect(await c.bind(systemId, PASSWORD)).toBe(0);
      await waitFor(() => c.closed, { message: 'the idle close', timeoutMs: 3_000 });
    } finally {
      await quick.close();
    }
  });
});

describe('DL-8 live SMPP binds API', () => {
  let app: TestApp;
  let server: SmppServer;
  let admin: SignedIn;
  let tenant: Tenant;
  let other: Tenant;
  let client: Esme | null = null;

  beforeAll(async () => {
    app = await createTestApp();
    await app.ready();
    server = app.services.smppServer;
    await server.start({ port: 0, host: '127.0.0.1' });
    admin = await signInAdmin(app);
    tenant = await createTenant(app);
    other = await createTenant(app);
    await app.services.customers.sendingAccounts.update(systemAuth('test'), tenant.sendingAccountId, {
      smppSystemId: 'apibind',
      smppPassword: PASSWORD,
    });
  });
  afterAll(async () => {
    await client?.close();
    await app.close();
  });

  it('lists live binds with TPS, scoped to the tenant, and disconnects one', async () => {
    const c = await Esme.connect(server.port);
    client = c;
    expect(await c.bind('apibind', PASSWORD)).toBe(ServerStatus.ESME_ROK);
    for (let i = 0; i < 5; i++) {
      // Whatever the accept path answers, each submit counts towards the bind's TPS.
      await c.submit({ destination_addr: '447912345678', short_message: 'x' });
    }
    const staff = await app.inject({ url: '/api/v1/smpp/binds', headers: admin.headers });
    expect(staff.statusCode).toBe(200);
    const [bindView] = staff.json<{
      data: Array<{ id: string; tps: number; submits: number; bindType: string; sendingAccountId: string }>;
    }>().data;
    expect(bindView).toMatchObject({
      bindType: 'transceiver',
      submits: 5,
      tps: 0.5,
      sendingAccountId: tenant.sendingAccountId,
    });
    const own = await app.inject({ url: '/api/v1/smpp/binds', headers: tenant.admin.headers });
    expect(own.json<{ data: unknown[] }>().data).toHaveLength(1);
    const foreign = await app.inject({ url: '/api/v1/smpp/binds', headers: other.admin.headers });
    expect(foreign.json<{ data: unknown[] }>().data).toHaveLength(0);
    const denied = await app.inject({
      method: 'POST',
      url: `/api/v1/smpp/binds/${bindView?.id}/disconnect`,
      headers: other.admin.headers,
    });
    expect(denied.statusCode).toBe(404);
    expect(server.list(null)).toHaveLength(1);
    const cut = await app.inject({
      method: 'POST',
      url: `/api/v1/smpp/binds/${bindView?.id}/disconnect`,
      headers: tenant.admin.headers,
    });
    expect(cut.statusCode).toBe(200);
    await waitFor(() => c.closed, { message: 'the disconnected client to close' });
    expect(server.list(null)).toHaveLength(0);
    const gone = await app.inject({
      method: 'POST',
      url: `/api/v1/smpp/binds/${bindView?.id}/disconnect`,
      headers: admin.headers,
    });
    expect(gone.statusCode).toBe(404);
    expect(gone.json<{ code: string }>().code).toBe('SMPP_BIND_NOT_FOUND');
  });
});

describe('DL-8 SMPP server start-up', () => {
  it('listens on PIGEON_SMPP_PORT when the HTTP server listens, and closes with the app', async () => {
    const app = await createTestApp({ config: { smppPort: 0 } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const server = app.services.smppServer;
    await waitFor(() => server.isListening, { message: 'the SMPP port to open' });
    const port = server.port;
    expect(port).toBeGreaterThan(0);
    const c = await Esme.connect(port);
    expect(await c.bind('nobody', 'x')).toBe(ServerStatus.ESME_RBINDFAIL);
    await c.close();
    await app.close();
    expect(server.isListening).toBe(false);
    await expect(
      new Promise((resolve, reject) => {
        const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(s.destroy()));
        s.on('error', reject);
      }),
    ).rejects.toThrow();
  });

  it('does not open the port in a worker-only process', async () => {
    const app = await createTestApp({ config: { smppPort: 0, role: 'worker' } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    expect(app.services.smppServer.isListening).toBe(false);
    await app.close();
  });
});
