// DL-6, MS-3, MS-8, BL-3: kill -9 of the platform at random moments, ten times, while 1 000
// messages per round are in flight and the SMSC answers some receipts before the submit_sm_resp.
// Real processes: `pigeon start` as a child, the SMSC simulator and a callback receiver in this
// process, on loopback. Afterwards every acknowledged message exists and is final, is charged
// once, refunds match the final states, the balance equals the ledger sum, no message whose
// submit result was written reached the SMSC again, and every final state was called back.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { buildApp } from '../../src/app.js';
import { testConfig } from '../helpers/app.js';
import { setupMessaging, startSmsc } from '../helpers/messaging.js';

import { systemAuth } from '../../src/platform/auth/auth-context.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const ROUNDS = 10;
const PER_ROUND = 1000;
const FINAL = [
  'delivered',
  'undelivered',
  'expired',
  'failed',
  'rejected',
  'canceled',
  'partially_delivered',
  'unknown',
];
/** Final states that refund a message of a plan with refundOnFailure (transitions.ts). */
const REFUNDED = ['undelivered', 'expired', 'failed', 'rejected', 'canceled'];

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
    await new Promise((r) => setTimeout(r, 25));
  }
}

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
      PIGEON_DEMO: 'false',
      PIGEON_DELIVERY_RETRY_BASE_MS: '50',
    },
  });
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  cleanups.push(() => {
    child.kill('SIGKILL');
  });
  return { child, output: () => out.slice(-4000) };
}

async function ready(port: number, platform: { output: () => string }): Promise<void> {
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
  ).catch((err: unknown) => {
    throw new Error(`${String(err)}\n${platform.output()}`);
  });
}

describe('DL-6 kill -9 during load, ten times', () => {
  it('loses nothing, charges once, refunds per final state, never resends an answered submit, calls back every final state', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-kill-'));
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));

    // Status callbacks go to a receiver that stays up the whole time.
    const callbacks = new Map<string, Set<string>>();
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        const data = (JSON.parse(body) as { data: { messageId: string; status: string } }).data;
        const seen = callbacks.get(data.messageId) ?? new Set<string>();
        seen.add(data.status);
        callbacks.set(data.messageId, seen);
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => receiver.close(() => r())));
    const receiverUrl = `http://127.0.0.1:${(receiver.address() as net.AddressInfo).port}/status`;

    // A slow-ish SMSC keeps hundreds in flight; some receipts beat their submit_sm_resp; 10 %
    // of messages are undelivered (refunded).
    const smsc = await startSmsc({
      latencyMs: 4,
      receiptDelayMs: 30,
      maxStored: 100_000,
      outcomes: { DELIVRD: 9, UNDELIV: 1 },
      receiptsBeforeResponseRate: 0.1,
    });
    cleanups.push(() => smsc.stop());
    const seed = await buildApp({
      config: testConfig({}, dataDir),
      logger: pino({ level: 'silent' }),
      serveWeb: false,
    });
    const m = await setupMessaging(seed, { smsc, provider: { windowSize: 50 } });
    await seed.services.customers.sendingAccounts.update(systemAuth('test'), m.tenant.sendingAccountId, {
      statusCallbackUrl: receiverUrl,
    });
    await seed.close();

    const port = await freePort();
    const dbFile = path.join(dataDir, 'pigeon.db');
    const accepted: string[] = [];
    const idOfText = new Map<string, string>();
    /** Per kill: messages whose submit result was written, and how many submits the SMSC had seen. */
    const answeredAtKill: Array<{ ids: Set<string>; submitsSeen: number }> = [];
    let platform = startPlatform(dataDir, port);
    for (let round = 0; round < ROUNDS; round++) {
      await ready(port, platform);
      const texts = Array.from({ length: PER_ROUND }, (_, i) => `kill ${round}-${i}`);
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/messages/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': m.apiKey },
        body: JSON.stringify({
          messages: texts.map((text, i) => ({
            channel: 'sms',
            to: `+4474009${String(10000 + ((round * PER_ROUND + i) % 90000)).slice(-5)}`,
            text,
          })),
        }),
      });
      expect(res.status, platform.output()).toBe(200);
      const body = (await res.json()) as { data: { results: Array<{ id: string; accepted: boolean }> } };
      body.data.results.forEach((r, i) => {
        expect(r.accepted).toBe(true);
        accepted.push(r.id);
        idOfText.set(texts[i] as string, r.id);
      });
      // Die at a random moment while this round's messages are in flight.
      const target = smsc.counters.partsAccepted + Math.floor(Math.random() * PER_ROUND * 0.9);
      await until(() => smsc.counters.partsAccepted >= target, 60_000, `submit ${target} at the SMSC`);
      platform.child.kill('SIGKILL');
      await new Promise((r) => platform.child.once('exit', r));
      const db = new Database(dbFile, { readonly: true, fileMustExist: true });
      const answered = db
        .prepare(
          "select id from messages where status not in ('accepted', 'queued', 'sending', 'pending_review')",
        )
        .all() as Array<{ id: string }>;
      db.close();
      answeredAtKill.push({ ids: new Set(answered.map((a) => a.id)), submitsSeen: smsc.received().length });
      platform = startPlatform(dataDir, port);
    }
    await ready(port, platform);

    const db = new Database(dbFile, { readonly: true, fileMustExist: true });
    cleanups.push(() => {
      db.close();
    });
    const total = ROUNDS * PER_ROUND;
    await until(
      () =>
        (
          db
            .prepare(`select count(*) as n from messages where status in (${FINAL.map(() => '?').join(',')})`)
            .get(...FINAL) as { n: number }
        ).n === total,
      300_000,
      'every accepted message final',
    ).catch((err: unknown) => {
      const counts = db.prepare('select status, count(*) as n from messages group by status').all();
      throw new Error(`${String(err)}\nstatuses ${JSON.stringify(counts)}\n${platform.output()}`);
    });

    // Every acknowledged message exists, once.
    const rows = db.prepare('select id, status, price, refunded from messages').all() as Array<{
      id: string;
      status: string;
      price: number;
      refunded: number;
    }>;
    expect(rows).toHaveLength(total);
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(accepted));

    // Charged exactly once; refunded exactly when the final state says so.
    const entries = db
      .prepare('select entry_type, object_id, amount from ledger_entries where object_type = ?')
      .all('message') as Array<{
      entry_type: string;
      object_id: string;
      amount: number;
    }>;
    const charges = new Map<string, number>();
    const refunds = new Map<string, number>();
    for (const e of entries) {
      const map = e.entry_type === 'charge' ? charges : e.entry_type === 'refund' ? refunds : null;
      map?.set(e.object_id, (map.get(e.object_id) ?? 0) + 1);
    }
    for (const r of rows) {
      expect(charges.get(r.id), `charges of ${r.id}`).toBe(1);
      expect(refunds.get(r.id) ?? 0, `refunds of ${r.id} (${r.status})`).toBe(
        REFUNDED.includes(r.status) ? 1 : 0,
      );
      expect(r.refunded, r.id).toBe(REFUNDED.includes(r.status) ? 1 : 0);
    }
    const ledger = db
      .prepare('select coalesce(sum(amount), 0) as s from ledger_entries where enterprise_id = ?')
      .get(m.tenant.enterpriseId) as { s: number };
    const bal = db
      .prepare('select balance from balances where enterprise_id = ?')
      .get(m.tenant.enterpriseId) as {
      balance: number;
    };
    expect(Number(bal.balance)).toBe(Number(ledger.s));

    // The SMSC never saw a message again after its submit result had been written.
    const received = smsc.received();
    let duplicates = 0;
    const seenText = new Set<string>();
    received.forEach((p, index) => {
      if (seenText.has(p.text)) {
        duplicates++;
      }
      seenText.add(p.text);
      const id = idOfText.get(p.text);
      for (const kill of answeredAtKill) {
        if (index >= kill.submitsSeen && id !== undefined && kill.ids.has(id)) {
          throw new Error(`${id} was submitted again after its submit result had been written`);
        }
      }
    });
    expect(seenText.size).toBe(total);
    console.log(
      `kill -9 × ${ROUNDS}: ${total} messages, ${received.length} submits at the SMSC, ${duplicates} duplicates (unanswered submits re-sent after a kill)`,
    );

    // Every final state was called back to the receiver.
    await until(
      () => rows.every((r) => callbacks.get(r.id)?.has(r.status) === true),
      120_000,
      'a status callback for every final state',
    ).catch((err: unknown) => {
      const missing = rows.filter((r) => callbacks.get(r.id)?.has(r.status) !== true).length;
      throw new Error(`${String(err)}: ${missing} missing`);
    });
    platform.child.kill('SIGTERM');
  }, 900_000);
});
