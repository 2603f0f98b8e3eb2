// The delivery engine under trouble (DL-2, DL-3, DL-6, MS-3): an SMSC that throttles and drops
// connections, backpressure with a stopped queue, and a SIGKILL of the platform process with
// thousands of messages in flight. Real SMPP on loopback, real processes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { buildApp } from '../../src/app.js';
import { createTestApp, testConfig, type TestApp } from '../helpers/app.js';
import { setupMessaging, startSmsc, type Messaging } from '../helpers/messaging.js';
import { signInAdmin } from '../helpers/identity.js';
import type { SmscSimulator } from '../../src/simulators/smsc-simulator.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const FINAL = [
  'delivered',
  'undelivered',
  'expired',
  'failed',
  'rejected',
  'canceled',
  'partially_delivered',
];
const cleanups: Array<() => Promise<void> | void> = [];

afterAll(async () => {
  for (const c of cleanups.reverse()) {
    await c();
  }
});

async function until(fn: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function statusCounts(app: TestApp, enterpriseId: string): Promise<Record<string, number>> {
  const rows = await app.ctx.db
    .selectFrom('messages')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('enterprise_id', '=', enterpriseId)
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

async function sendBatch(app: TestApp, m: Messaging, texts: string[]): Promise<string[]> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/messages/batch',
    headers: { 'x-api-key': m.apiKey },
    payload: {
      messages: texts.map((text, i) => ({
        channel: 'sms',
        to: `+4474001${String(10000 + i).slice(-5)}`,
        text,
      })),
    },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ data: { results: Array<{ id: string }> } }>().data.results.map((r) => r.id);
}

describe('DL-2 DL-3 throttling and dropped connections', () => {
  it('brings every message to a final state when the SMSC throttles and drops the connection', async () => {
    const app = await createTestApp({ config: { deliveryRetryBaseMs: 20 } });
    cleanups.push(() => app.close());
    const smsc = await startSmsc({ throttleRate: 0.2, receiptDelayMs: 5, random: seeded(7) });
    cleanups.push(() => smsc.stop());
    const m = await setupMessaging(app, { smsc, provider: { windowSize: 20 } });
    const ids = await sendBatch(
      app,
      m,
      Array.from({ length: 300 }, (_, i) => `throttle ${i}`),
    );
    await until(() => smsc.counters.partsAccepted >= 100, 20_000, '100 parts at the SMSC');
    smsc.dropConnections();
    await until(
      async () => {
        const c = await statusCounts(app, m.tenant.enterpriseId);
        return FINAL.reduce((n, s) => n + (c[s] ?? 0), 0) === ids.length;
      },
      60_000,
      'every message final',
    );
    const counts = await statusCounts(app, m.tenant.enterpriseId);
    expect(counts.delivered).toBe(ids.length);
    expect(smsc.counters.throttled).toBeGreaterThan(0);
  });
});

describe('DL-2 backpressure', () => {
  it('answers 503 with Retry-After once the backlog is full, and drains after the queue resumes', async () => {
    const app = await createTestApp({ config: { maxBacklog: 50 } });
    cleanups.push(() => app.close());
    const m = await setupMessaging(app, { smscOptions: { receiptDelayMs: 1 } });
    cleanups.push(() => m.smsc.stop());
    const admin = await signInAdmin(app);
    const pause = await app.inject({
      method: 'POST',
      url: `/api/v1/delivery/queues/${m.providerId}/pause`,
      headers: { authorization: `Bearer ${admin.accessToken}` },
    });
    expect(pause.statusCode, pause.body).toBe(200);
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 60; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/messages',
        headers: { 'x-api-key': m.apiKey },
        payload: { channel: 'sms', to: '+447400123456', text: `bp ${i}` },
      });
      statuses.push(res.statusCode);
      if (res.statusCode === 503) {
        retryAfter = String(res.headers['retry-after']);
        expect(res.json<{ code: string }>().code).toBe('BACKLOG_FULL');
      }
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(50);
    expect(statuses.filter((s) => s === 503)).toHaveLength(10);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(app.services.messages.engine.backlog()).toBe(50);
    const resume = await app.inject({
      method: 'POST',
      url: `/api/v1/delivery/queues/${m.providerId}/resume`,
      headers: { authorization: `Bearer ${admin.accessToken}` },
    });
    expect(resume.statusCode).toBe(200);
    await until(
      async () => (await statusCounts(app, m.tenant.enterpriseId)).delivered === 50,
      30_000,
      'drain',
    );
    const after = await m.send({ channel: 'sms', to: '+447400123456', text: 'after drain' });
    expect(after.status).toBe(201);
  });
});

describe('DL-6 crash safety', () => {
  function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
      const s = net.createServer();
      s.listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => resolve(port));
      });
      s.on('error', reject);
    });
  }

  function startPlatform(dataDir: string, port: number): { child: ChildProcess; output: () => string } {
    let out = '';
    const child = spawn(process.execPath, [path.join(ROOT, 'server/bin/pigeon.mjs'), 'start'], {
      env: {
        ...process.env,
        PIGEON_PORT: String(port),
        PIGEON_HOST: '127.0.0.1',
        PIGEON_DATA_DIR: dataDir,
        PIGEON_SMPP_PORT: '0',
        PIGEON_LOG_LEVEL: 'warn',
        PIGEON_DELIVERY_RETRY_BASE_MS: '50',
      },
    });
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    cleanups.push(() => {
      child.kill('SIGKILL');
    });
    return { child, output: () => out };
  }

  async function ready(port: number): Promise<void> {
    await until(
      async () => {
        try {
          return (await fetch(`http://127.0.0.1:${port}/readyz`)).ok;
        } catch {
          return false;
        }
      },
      60_000,
      'the platform to be ready',
    );
  }

  it('after SIGKILL with 5 000 messages in flight, each reaches one final state, is charged once and sent at most twice', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-crash-'));
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    // A slow SMSC keeps thousands of messages in flight when the process dies.
    const smsc: SmscSimulator = await startSmsc({ latencyMs: 3, receiptDelayMs: 20, maxStored: 50_000 });
    cleanups.push(() => smsc.stop());
    // Seed the data directory the way an operator would set it up, then close.
    const seedApp = await buildApp({
      config: testConfig({ deliveryRetryBaseMs: 50 }, dataDir),
      logger: pino({ level: 'silent' }),
      serveWeb: false,
    });
    const m = await setupMessaging(seedApp, { smsc, provider: { windowSize: 50 } });
    await seedApp.close();

    const port = await freePort();
    const first = startPlatform(dataDir, port);
    await ready(port);
    const total = 5000;
    const accepted: string[] = [];
    for (let b = 0; b < total / 1000; b++) {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/messages/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': m.apiKey },
        body: JSON.stringify({
          messages: Array.from({ length: 1000 }, (_, i) => ({
            channel: 'sms',
            to: `+4474001${String(10000 + ((b * 1000 + i) % 90000)).slice(-5)}`,
            text: `crash ${b * 1000 + i}`,
          })),
        }),
      });
      expect(res.status, first.output()).toBe(200);
      const body = (await res.json()) as { data: { results: Array<{ id: string; accepted: boolean }> } };
      accepted.push(...body.data.results.filter((r) => r.accepted).map((r) => r.id));
    }
    expect(accepted).toHaveLength(total);
    await until(() => smsc.counters.partsAccepted >= 500, 60_000, '500 submits at the SMSC');
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const seenBeforeCrash = smsc.counters.partsAccepted;
    expect(seenBeforeCrash).toBeLessThan(total);

    const second = startPlatform(dataDir, port);
    await ready(port);
    const db = new Database(path.join(dataDir, 'pigeon.db'), { readonly: true, fileMustExist: true });
    cleanups.push(() => {
      db.close();
    });
    await until(
      () => {
        const row = db
          .prepare(`select count(*) as n from messages where status in (${FINAL.map(() => '?').join(',')})`)
          .get(...FINAL) as { n: number };
        return row.n === total;
      },
      240_000,
      'every accepted message final after restart',
    ).catch((err: unknown) => {
      const counts = db.prepare('select status, count(*) as n from messages group by status').all();
      const parts = db
        .prepare('select count(*) as n, sum(receipt_status is null) as pending from message_parts')
        .get();
      throw new Error(
        `${String(err)}\nstatuses ${JSON.stringify(counts)} parts ${JSON.stringify(parts)} smsc ${JSON.stringify(smsc.counters)}\n${second.output()}`,
      );
    });
    const rows = db.prepare('select status, count(*) as n from messages group by status').all() as Array<{
      status: string;
      n: number;
    }>;
    expect(rows).toEqual([{ status: 'delivered', n: total }]);
    const charges = db
      .prepare(
        "select count(*) as n, count(distinct object_id) as d from ledger_entries where entry_type = 'charge'",
      )
      .get() as { n: number; d: number };
    expect(charges).toEqual({ n: total, d: total });
    const perText = new Map<string, number>();
    for (const p of smsc.received()) {
      perText.set(p.text, (perText.get(p.text) ?? 0) + 1);
    }
    expect(perText.size).toBe(total);
    expect(Math.max(...perText.values())).toBeLessThanOrEqual(2);
    second.child.kill('SIGTERM');
  }, 420_000);
});

/** A small deterministic random source for repeatable throttling. */
function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}
