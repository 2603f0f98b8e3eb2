// Providers through the HTTP API and the registry, against real protocol peers: the SMSC
// simulator and the SMTP sink over loopback sockets (DL-1, DL-4, DL-5).
import http from 'node:http';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { signInAdmin, userWithPermissions, type SignedIn } from '../../../test/helpers/identity.js';
import { SmscSimulator, SmtpSink, waitFor } from '../../simulators/index.js';
import type { PigeonEvent } from '../../platform/events/bus.js';
import { FREEZE_AFTER_FAILURES } from './provider-registry.js';
import { nextQuotaReset } from './provider-settings.js';
import type { ProviderCostView, ProviderView, StatusLogView, TestSendResult } from './providers.schemas.js';

const SMPP_PASSWORD = 'sec9pw';

let app: TestApp;
let admin: SignedIn;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  app = await createTestApp();
  await app.ready();
  admin = await signInAdmin(app);
});
afterAll(async () => {
  await app.close();
});
afterEach(async () => {
  while (cleanups.length > 0) {
    await cleanups.pop()?.();
  }
});

let seq = 0;

async function api<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) {
  const res = await app.inject({ method, url, headers: admin.headers, payload: payload as object });
  return {
    status: res.statusCode,
    body: res.body,
    json: res.json<{ data: T; errors?: Array<{ field: string }> }>(),
  };
}

function smppSettings(port: number, extra: Record<string, unknown> = {}) {
  return {
    host: '127.0.0.1',
    port,
    systemId: 'pigeon',
    password: SMPP_PASSWORD,
    connectTimeoutMs: 2000,
    reconnectInitialDelayMs: 50,
    reconnectMaxDelayMs: 200,
    defaultFrom: 'Pigeon',
    ...extra,
  };
}

async function createProvider(body: Record<string, unknown>): Promise<ProviderView> {
  const res = await api<ProviderView>('POST', '/api/v1/providers', { name: `p-${seq++}`, ...body });
  expect(res.status, res.body).toBe(200);
  return res.json.data;
}

async function createSmppProvider(port: number, extra: Record<string, unknown> = {}): Promise<ProviderView> {
  return createProvider({ channel: 'sms', type: 'smpp', settings: smppSettings(port), ...extra });
}

async function startSmsc(port?: number): Promise<SmscSimulator> {
  const sim = new SmscSimulator({ systemId: 'pigeon', password: SMPP_PASSWORD });
  await sim.start(port === undefined ? {} : { port });
  cleanups.push(() => sim.stop());
  return sim;
}

/** A port nothing listens on: bind one, note it, close it. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function collect(type: string): PigeonEvent[] {
  const seen: PigeonEvent[] = [];
  const off = app.ctx.events.on(type, (e) => seen.push(e));
  cleanups.push(async () => off());
  return seen;
}

async function statusLogs(id: string): Promise<StatusLogView[]> {
  const res = await api<StatusLogView[]>('GET', `/api/v1/providers/${id}/status-logs?size=50`);
  expect(res.status).toBe(200);
  return res.json.data;
}

async function disable(id: string): Promise<void> {
  expect((await api('POST', `/api/v1/providers/${id}/disable`, {})).status).toBe(200);
}

describe('DL-1 provider records', () => {
  it('creates a provider and never returns its password, keeping it when an update leaves it out', async () => {
    const created = await createSmppProvider(await freePort(), { tps: 50, windowSize: 5, dailyQuota: 1000 });
    expect(created).toMatchObject({
      channel: 'sms',
      type: 'smpp',
      enabled: false,
      hasPassword: true,
      tps: 50,
      windowSize: 5,
      dailyQuota: 1000,
      quotaUsed: 0,
      health: 'unknown',
      isFrozen: false,
      consecutiveFailures: 0,
    });
    expect(created.settings).not.toHaveProperty('password');

    const got = await api<ProviderView>('GET', `/api/v1/providers/${created.id}`);
    const list = await api<ProviderView[]>('GET', `/api/v1/providers?keyword=${created.name}`);
    const patched = await api<ProviderView>('PATCH', `/api/v1/providers/${created.id}`, {
      settings: { ...smppSettings(2775), password: undefined, systemType: 'cmt' },
      priority: 3,
    });
    expect(patched.status, patched.body).toBe(200);
    for (const body of [got.body, list.body, patched.body]) {
      expect(body).not.toContain(SMPP_PASSWORD);
    }
    expect(list.json.data.map((p) => p.id)).toEqual([created.id]);
    expect(patched.json.data).toMatchObject({
      priority: 3,
      hasPassword: true,
      settings: { port: 2775, systemType: 'cmt' },
    });

    const row = await app.ctx.db
      .selectFrom('providers')
      .select('settings')
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.settings)).toMatchObject({ password: SMPP_PASSWORD, port: 2775 });

    await app.services.audit.flush();
    const changes = await app.ctx.db
      .selectFrom('data_change_logs')
      .selectAll()
      .where('entity_id', '=', created.id)
      .execute();
    expect(changes.length).toBe(2);
    expect(JSON.stringify(changes)).not.toContain(SMPP_PASSWORD);
  });

  it('rejects settings that do not fit the provider type, field by field', async () => {
    const bad = await api('POST', '/api/v1/providers', {
      name: 'bad-smpp',
      channel: 'sms',
      type: 'smpp',
      settings: { host: '127.0.0.1', port: 70000, systemId: 'x', password: 'p', bogus: 1 },
    });
    expect(bad.status).toBe(422);
    expect(bad.json.errors?.map((e) => e.field).sort()).toEqual(['settings.bogus', 'settings.port']);

    const mismatch = await api('POST', '/api/v1/providers', {
      name: 'smtp-for-sms',
      channel: 'sms',
      type: 'smtp',
      settings: { host: 'mail.test', port: 25, from: 'a@b.test' },
    });
    expect(mismatch.status).toBe(422);
    expect(mismatch.json.errors?.[0]?.field).toBe('channel');

    const noPassword = await api('POST', '/api/v1/providers', {
      name: 'smpp-no-password',
      channel: 'sms',
      type: 'smpp',
      settings: { host: '127.0.0.1', port: 2775, systemId: 'x' },
    });
    expect(noPassword.status).toBe(422);
    expect(noPassword.json.errors?.[0]?.field).toBe('settings.password');
  });

  it('refuses a second provider of the same name', async () => {
    const p = await createSmppProvider(await freePort());
    const again = await api('POST', '/api/v1/providers', {
      name: p.name,
      channel: 'sms',
      type: 'smpp',
      settings: smppSettings(2775),
    });
    expect(again.status).toBe(409);
  });

  it('filters and paginates the list', async () => {
    const smtp = await createProvider({
      channel: 'email',
      type: 'smtp',
      settings: {
        host: '127.0.0.1',
        port: 2525,
        from: 'noreply@pigeon.test',
        user: 'u',
        password: 'smtp-secret-1',
      },
    });
    expect(smtp.hasPassword).toBe(true);
    const emails = await api<ProviderView[]>('GET', '/api/v1/providers?channel=email&size=1');
    expect(emails.status).toBe(200);
    expect(emails.json.data.map((p) => p.id)).toEqual([smtp.id]);
    expect(emails.body).not.toContain('smtp-secret-1');
    const page = await api<ProviderView[]>('GET', '/api/v1/providers?page=1&size=1');
    expect(page.json.data).toHaveLength(1);
    expect((page.json as unknown as { pagination: { total: number } }).pagination.total).toBeGreaterThan(1);
  });

  it('keeps costs per country and removes a deleted provider with them', async () => {
    const p = await createSmppProvider(await freePort());
    const cost = await api<ProviderCostView>('POST', `/api/v1/providers/${p.id}/costs`, {
      country: 'de',
      currency: 'EUR',
      cost: 12_500,
    });
    expect(cost.status, cost.body).toBe(200);
    expect(cost.json.data).toMatchObject({ country: 'DE', currency: 'EUR', cost: 12_500 });
    expect(
      (await api('POST', `/api/v1/providers/${p.id}/costs`, { country: 'DE', currency: 'EUR', cost: 1 }))
        .status,
    ).toBe(409);
    const changed = await api<ProviderCostView>(
      'PATCH',
      `/api/v1/providers/${p.id}/costs/${cost.json.data.id}`,
      { cost: 9_000 },
    );
    expect(changed.json.data.cost).toBe(9_000);
    const snapshot = await app.services.providers.registry.snapshot();
    expect(snapshot.get(p.id)?.costByCountry.get('DE')).toBe(9_000);
    const list = await api<ProviderCostView[]>('GET', `/api/v1/providers/${p.id}/costs`);
    expect(list.json.data.map((c) => c.country)).toEqual(['DE']);
    expect((await api('DELETE', `/api/v1/providers/${p.id}/costs/${cost.json.data.id}`)).status).toBe(200);

    expect((await api('DELETE', `/api/v1/providers/${p.id}`)).status).toBe(200);
    expect((await api('GET', `/api/v1/providers/${p.id}`)).status).toBe(404);
    expect((await app.services.providers.registry.snapshot()).has(p.id)).toBe(false);
  });

  it('is for staff with the providers permission only', async () => {
    const reader = await userWithPermissions(app, ['providers:provider:read']);
    const list = await app.inject({ method: 'GET', url: '/api/v1/providers', headers: reader.headers });
    expect(list.statusCode).toBe(200);
    const create = await app.inject({
      method: 'POST',
      url: '/api/v1/providers',
      headers: reader.headers,
      payload: { name: 'nope', channel: 'sms', type: 'smpp', settings: smppSettings(2775) },
    });
    expect(create.statusCode).toBe(403);
  });
});

describe('DL-5 freeze after consecutive failures', () => {
  it(`freezes after ${FREEZE_AFTER_FAILURES} consecutive failures, logs it and raises provider.frozen`, async () => {
    const { registry } = app.services.providers;
    const p = await createSmppProvider(await freePort());
    const frozen = collect('provider.frozen');
    for (let i = 0; i < FREEZE_AFTER_FAILURES - 1; i++) {
      await registry.recordResult(p.id, false, 'ESME_RSYSERR');
    }
    expect((await api<ProviderView>('GET', `/api/v1/providers/${p.id}`)).json.data).toMatchObject({
      isFrozen: false,
      consecutiveFailures: FREEZE_AFTER_FAILURES - 1,
    });
    await registry.recordResult(p.id, false, 'ESME_RSYSERR');

    expect((await api<ProviderView>('GET', `/api/v1/providers/${p.id}`)).json.data.isFrozen).toBe(true);
    expect((await registry.snapshot()).get(p.id)?.frozen).toBe(true);
    expect(frozen.map((e) => (e.data as { providerId: string }).providerId)).toEqual([p.id]);
    const logs = await statusLogs(p.id);
    expect(logs[0]).toMatchObject({ fromState: 'active', toState: 'frozen', actor: 'system' });
    expect(logs[0]?.reason).toContain('ESME_RSYSERR');
    const filtered = await api<ProviderView[]>('GET', '/api/v1/providers?isFrozen=true');
    expect(filtered.json.data.map((x) => x.id)).toEqual([p.id]);
  });

  it('does not freeze after 9 failures and a success, which resets the count', async () => {
    const { registry } = app.services.providers;
    const p = await createSmppProvider(await freePort());
    // Results recorded without waiting still count in order.
    const pending: Promise<void>[] = [];
    for (let i = 0; i < FREEZE_AFTER_FAILURES - 1; i++) {
      pending.push(registry.recordResult(p.id, false, 'TIMEOUT'));
    }
    pending.push(registry.recordResult(p.id, true, 'delivered'));
    pending.push(registry.recordResult(p.id, false, 'TIMEOUT'));
    await Promise.all(pending);
    expect((await api<ProviderView>('GET', `/api/v1/providers/${p.id}`)).json.data).toMatchObject({
      isFrozen: false,
      consecutiveFailures: 1,
    });
    expect(await statusLogs(p.id)).toEqual([]);
  });

  it('puts a provider back in service when an operator unfreezes it with a reason', async () => {
    const { registry } = app.services.providers;
    const p = await createSmppProvider(await freePort());
    for (let i = 0; i < FREEZE_AFTER_FAILURES; i++) {
      await registry.recordResult(p.id, false, 'ESME_RSYSERR');
    }
    const unfrozen = collect('provider.unfrozen');
    expect((await api('POST', `/api/v1/providers/${p.id}/unfreeze`, {})).status).toBe(422);

    const res = await api<ProviderView>('POST', `/api/v1/providers/${p.id}/unfreeze`, {
      reason: 'carrier fixed its SMSC',
    });
    expect(res.status, res.body).toBe(200);
    expect(res.json.data).toMatchObject({ isFrozen: false, consecutiveFailures: 0 });
    expect((await registry.snapshot()).get(p.id)?.frozen).toBe(false);
    expect(unfrozen).toHaveLength(1);
    const logs = await statusLogs(p.id);
    expect(logs.map((l) => `${l.fromState}>${l.toState}`)).toEqual(['frozen>active', 'active>frozen']);
    expect(logs[0]).toMatchObject({ reason: 'carrier fixed its SMSC', actor: admin.username });
    expect((await api('POST', `/api/v1/providers/${p.id}/unfreeze`, { reason: 'again' })).status).toBe(409);

    // It counts afresh: nine more failures do not freeze it.
    for (let i = 0; i < FREEZE_AFTER_FAILURES - 1; i++) {
      await registry.recordResult(p.id, false, 'ESME_RSYSERR');
    }
    expect((await registry.snapshot()).get(p.id)?.frozen).toBe(false);
  });

  it('pages the status log with a cursor', async () => {
    const p = await createSmppProvider(await freePort());
    for (const action of ['enable', 'disable', 'enable', 'disable']) {
      expect((await api('POST', `/api/v1/providers/${p.id}/${action}`, { reason: action })).status).toBe(200);
    }
    const first = await api<StatusLogView[]>('GET', `/api/v1/providers/${p.id}/status-logs?size=3`);
    const cursor = (first.json as unknown as { pagination: { nextCursor: string } }).pagination.nextCursor;
    expect(first.json.data).toHaveLength(3);
    const second = await api<StatusLogView[]>(
      'GET',
      `/api/v1/providers/${p.id}/status-logs?size=3&cursor=${cursor}`,
    );
    expect(second.json.data).toHaveLength(1);
    expect(second.json.data[0]).toMatchObject({
      fromState: 'disabled',
      toState: 'enabled',
      reason: 'enable',
    });
  });
});

describe('DL-4 health checks', () => {
  it('marks a provider healthy against a live SMSC, unhealthy when it stops, and recovered when it returns', async () => {
    const { registry } = app.services.providers;
    const sim = await startSmsc();
    const port = sim.port;
    const p = await createSmppProvider(port, { enabled: true });
    cleanups.push(() => disable(p.id));
    const unhealthy = collect('provider.unhealthy');
    const recovered = collect('provider.recovered');

    await registry.probeAll();
    expect((await api<ProviderView>('GET', `/api/v1/providers/${p.id}`)).json.data.health).toBe('healthy');

    await sim.stop();
    await registry.probeAll();
    const down = (await api<ProviderView>('GET', `/api/v1/providers/${p.id}`)).json.data;
    expect(down.health).toBe('unhealthy');
    expect((await registry.snapshot()).get(p.id)?.healthy).toBe(false);
    expect(unhealthy.map((e) => (e.data as { providerId: string }).providerId)).toContain(p.id);

    await startSmsc(port);
    await waitFor(
      async () => {
        await registry.probeAll();
        return (await registry.snapshot()).get(p.id)?.healthy;
      },
      { timeoutMs: 10_000, message: 'the provider to recover' },
    );
    expect(recovered.map((e) => (e.data as { providerId: string }).providerId)).toContain(p.id);
    const logs = (await statusLogs(p.id)).map((l) => `${l.fromState}>${l.toState}`);
    expect(logs).toEqual(['unhealthy>healthy', 'healthy>unhealthy', 'unknown>healthy']);
  });

  it('marks a provider whose port is closed unhealthy', async () => {
    const { registry } = app.services.providers;
    const p = await createSmppProvider(await freePort(), { enabled: true });
    cleanups.push(() => disable(p.id));
    await registry.probeAll();
    const got = (await api<ProviderView>('GET', `/api/v1/providers/${p.id}`)).json.data;
    expect(got.health).toBe('unhealthy');
    expect(got.healthDetail).not.toBe('');
  });

  it('closes the connector of a disabled provider and stops probing it', async () => {
    const { registry } = app.services.providers;
    const sim = await startSmsc();
    const p = await createSmppProvider(sim.port, { enabled: true });
    expect(registry.get(p.id)).toBeDefined();
    await disable(p.id);
    expect(registry.get(p.id)).toBeUndefined();
    await waitFor(() => sim.boundSessions === 0, { message: 'the bind to close' });
  });
});

describe('DL-1 test send', () => {
  it('sends an SMS through a real SMSC and returns the provider message id', async () => {
    const sim = await startSmsc();
    const p = await createSmppProvider(sim.port, { enabled: true });
    cleanups.push(() => disable(p.id));
    const res = await api<TestSendResult>('POST', `/api/v1/providers/${p.id}/test-send`, {
      to: '+4915112345678',
      text: 'Pigeon test send',
    });
    expect(res.status, res.body).toBe(200);
    expect(res.json.data).toMatchObject({ ok: true, parts: 1 });
    expect(res.json.data.providerMessageIds).toHaveLength(1);
    const received = sim.messages();
    expect(received.map((m) => m.text)).toEqual(['Pigeon test send']);
    // The connector sends international numbers with TON 1 and without the "+".
    expect(received[0]).toMatchObject({ from: 'Pigeon', to: '4915112345678' });
  });

  it('sends an e-mail through a real SMTP sink, also from a disabled provider', async () => {
    const sink = new SmtpSink();
    await sink.start({ port: 0 });
    cleanups.push(() => sink.stop());
    const p = await createProvider({
      channel: 'email',
      type: 'smtp',
      settings: { host: '127.0.0.1', port: sink.port, ignoreTls: true, from: 'noreply@pigeon.test' },
    });
    const res = await api<TestSendResult>('POST', `/api/v1/providers/${p.id}/test-send`, {
      to: 'ana@example.com',
      subject: 'Pigeon test',
      body: 'Hello from the provider page',
    });
    expect(res.status, res.body).toBe(200);
    expect(res.json.data.ok).toBe(true);
    await waitFor(() => sink.messages().length === 1, { message: 'the e-mail to arrive' });
    expect(sink.messages()[0]).toMatchObject({ subject: 'Pigeon test', to: ['ana@example.com'] });
    expect(sink.messages()[0]?.text).toContain('Hello from the provider page');
  });

  it('reports a failure instead of throwing when the provider cannot be reached', async () => {
    const p = await createSmppProvider(await freePort(), {
      settings: smppSettings(await freePort(), { submitTimeoutMs: 2000 }),
    });
    const res = await api<TestSendResult>('POST', `/api/v1/providers/${p.id}/test-send`, {
      to: '+4915112345678',
      text: 'x',
    });
    expect(res.status, res.body).toBe(200);
    expect(res.json.data).toMatchObject({ ok: false });
    expect(res.json.data.errorCode).not.toBeNull();
  });

  it('sends through an HTTP provider with its secret variables filled in, never returning them', async () => {
    const seen: Array<{ auth: string | undefined; body: string }> = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ auth: req.headers.authorization, body });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'http-42' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as net.AddressInfo;
    const p = await createProvider({
      channel: 'sms',
      type: 'http',
      settings: {
        request: {
          method: 'POST',
          url: `http://127.0.0.1:${port}/send`,
          headers: { authorization: 'Bearer {{apiKey}}' },
          json: { to: '{{to}}', text: '{{text}}' },
        },
        secretVariables: { apiKey: 'http-secret-key' },
        providerIdPath: 'id',
      },
    });
    expect(p).toMatchObject({ secretVariableNames: ['apiKey'], hasPassword: false });
    expect(JSON.stringify(p)).not.toContain('http-secret-key');

    const res = await api<TestSendResult>('POST', `/api/v1/providers/${p.id}/test-send`, {
      to: '+4915112345678',
      from: 'Pigeon',
      text: 'over http',
    });
    expect(res.status, res.body).toBe(200);
    expect(res.json.data).toMatchObject({ ok: true, providerMessageIds: ['http-42'] });
    expect(seen).toEqual([
      { auth: 'Bearer http-secret-key', body: JSON.stringify({ to: '+4915112345678', text: 'over http' }) },
    ]);
  });

  it('asks for a subject for an e-mail provider', async () => {
    const p = await createProvider({
      channel: 'email',
      type: 'smtp',
      settings: { host: '127.0.0.1', port: 2525, from: 'noreply@pigeon.test' },
    });
    const res = await api('POST', `/api/v1/providers/${p.id}/test-send`, {
      to: 'a@b.test',
      text: 'no subject',
    });
    expect(res.status).toBe(422);
  });
});

describe('DL-1 daily quota', () => {
  it("computes the next reset at the local time of the provider's time zone", () => {
    const at = Date.parse('2026-03-10T15:30:00.000Z');
    expect(nextQuotaReset(at, '00:00', 'UTC')).toBe('2026-03-11T00:00:00.000Z');
    expect(nextQuotaReset(at, '16:00', 'UTC')).toBe('2026-03-10T16:00:00.000Z');
    // Shanghai is UTC+8: local midnight is 16:00 UTC of the previous day.
    expect(nextQuotaReset(at, '00:00', 'Asia/Shanghai')).toBe('2026-03-10T16:00:00.000Z');
    // New York switched to daylight time on 8 March 2026 (UTC-4).
    expect(nextQuotaReset(at, '00:00', 'America/New_York')).toBe('2026-03-11T04:00:00.000Z');
  });

  it('rejects an unknown time zone', async () => {
    const res = await api('POST', '/api/v1/providers', {
      name: 'bad-tz',
      channel: 'sms',
      type: 'smpp',
      settings: smppSettings(2775),
      quotaTimezone: 'Mars/Olympus',
    });
    expect(res.status).toBe(422);
    expect(res.json.errors?.[0]?.field).toBe('quotaTimezone');
  });

  it('counts usage against the quota and resets it once the reset time has passed', async () => {
    const { registry } = app.services.providers;
    const p = await createSmppProvider(await freePort(), { dailyQuota: 100 });
    await registry.useQuota(p.id, 40);
    expect((await registry.snapshot()).get(p.id)?.quotaLeft).toBe(60);
    expect(await registry.resetQuotas()).toBe(0);

    await app.ctx.db
      .updateTable('providers')
      .set({ quota_resets_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', p.id)
      .execute();
    expect(await registry.resetQuotas()).toBe(1);
    const after = (await api<ProviderView>('GET', `/api/v1/providers/${p.id}`)).json.data;
    expect(after.quotaUsed).toBe(0);
    expect(Date.parse(after.quotaResetsAt)).toBeGreaterThan(Date.now());
    expect((await registry.snapshot()).get(p.id)?.quotaLeft).toBe(100);
  });
});
