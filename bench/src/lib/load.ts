// Shared steps of the platform scenarios: load from a separate process while the platform
// child is watched through /proc, and counts read from its SQLite file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { LoadConfig, LoadResult } from '../workers/load-autocannon.js';
import type { ProcessUsage } from './child.js';
import { ProcessMonitor, spawnScript, workerPath } from './child.js';
import { monotonicMicros, type Platform } from './platform.js';
import { percentile, round } from './stats.js';

export const FINAL_STATUSES = [
  'delivered',
  'undelivered',
  'expired',
  'failed',
  'rejected',
  'canceled',
  'partially_delivered',
] as const;

export const SMS_TEXT = 'Your verification code is 123456. It expires in 5 minutes. Do not share it.';

/** A valid GB mobile number (+4474001xxxxx), different for each n below 100 000. */
export function recipient(n: number): string {
  return `+4474001${String(n % 100_000).padStart(5, '0')}`;
}

export function singleBody(n = 23456): string {
  return JSON.stringify({ channel: 'sms', to: recipient(n), text: SMS_TEXT });
}

export function batchBody(size: number, offset = 0): string {
  return JSON.stringify({
    messages: Array.from({ length: size }, (_, i) => ({
      channel: 'sms',
      to: recipient(offset + i),
      text: SMS_TEXT,
    })),
  });
}

/** Runs autocannon in its own process against the platform, measuring the platform's CPU and RSS. */
export async function loadPlatform(
  platform: Platform,
  config: Omit<LoadConfig, 'method' | 'headers' | 'url'> & { path: string },
  signal: AbortSignal,
): Promise<{ load: LoadResult; usage: ProcessUsage }> {
  const { path, ...rest } = config;
  const full: LoadConfig = {
    ...rest,
    url: `${platform.baseUrl}${path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': platform.apiKey },
  };
  const dir = mkdtempSync(join(tmpdir(), 'pigeon-bench-load-'));
  const file = join(dir, 'load.json');
  writeFileSync(file, JSON.stringify(full));
  const load = spawnScript(workerPath('load-autocannon.ts'), [`@${file}`], { signal });
  try {
    await load.waitForLine(/^STARTED$/, 30_000 + (config.warmupSec ?? 0) * 2000);
    const monitor = new ProcessMonitor(platform.pid).start();
    const since = monotonicMicros();
    platform.traceMark();
    const line = await load.waitForLine(/^RESULT (.*)$/, config.durationSec * 1000 + 30_000);
    const usage = monitor.stop();
    platform.traceMark();
    platform.markWindow(path, since);
    return { load: JSON.parse(line[1] as string) as LoadResult, usage };
  } finally {
    await load.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function statusCounts(db: Database.Database): Record<string, number> {
  const rows = db.prepare('SELECT status, count(*) AS n FROM messages GROUP BY status').all() as {
    status: string;
    n: number;
  }[];
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

export function totals(counts: Record<string, number>): { all: number; final: number } {
  let all = 0;
  let final = 0;
  for (const [status, n] of Object.entries(counts)) {
    all += n;
    if ((FINAL_STATUSES as readonly string[]).includes(status)) {
      final += n;
    }
  }
  return { all, final };
}

/** The highest message id so far (ids are UUIDv7, so later messages sort after it). */
export function lastMessageId(db: Database.Database): string {
  const row = db.prepare('SELECT max(id) AS id FROM messages').get() as { id: string | null };
  return row.id ?? '';
}

/** Counts of messages with an id above `afterId`, by status. */
export function statusCountsAfter(db: Database.Database, afterId: string): Record<string, number> {
  const rows = db
    .prepare('SELECT status, count(*) AS n FROM messages WHERE id > ? GROUP BY status')
    .all(afterId) as {
    status: string;
    n: number;
  }[];
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

export interface SubmitLatency {
  messages: number;
  /** Accept (created_at) → first submit_sm written (attempt started_at), ms. */
  toSubmit: { p50: number; p99: number; max: number };
  /** Accept → submit_sm_resp (attempt finished_at), ms. */
  toSubmitResp: { p50: number; p99: number; max: number };
}

/** Accept→submit latencies of the messages after `afterId`, from created_at and the first attempt. */
export function submitLatency(db: Database.Database, afterId: string): SubmitLatency {
  const rows = db
    .prepare(
      `SELECT (julianday(a.started_at) - julianday(m.created_at)) * 86400000.0 AS submit,
              (julianday(a.finished_at) - julianday(m.created_at)) * 86400000.0 AS resp
         FROM messages m JOIN message_attempts a ON a.message_id = m.id AND a.attempt = 1
        WHERE m.id > ?`,
    )
    .all(afterId) as { submit: number; resp: number }[];
  const submit = rows.map((r) => r.submit);
  const resp = rows.map((r) => r.resp);
  const stats = (values: number[]) => ({
    p50: round(percentile(values, 50), 2),
    p99: round(percentile(values, 99), 2),
    max: round(
      values.reduce((a, b) => Math.max(a, b), 0),
      2,
    ),
  });
  return { messages: rows.length, toSubmit: stats(submit), toSubmitResp: stats(resp) };
}

/**
 * Polls until at least `expected` messages after `afterId` are stored and all of them are final,
 * or `graceMs` passes; returns what it saw.
 */
export async function waitAllFinal(
  db: Database.Database,
  afterId: string,
  expected: number,
  graceMs: number,
): Promise<{ counts: Record<string, number>; all: number; final: number; waitedMs: number }> {
  const started = performance.now();
  for (;;) {
    const counts = statusCountsAfter(db, afterId);
    const t = totals(counts);
    const waitedMs = performance.now() - started;
    if ((t.all >= expected && t.final === t.all) || waitedMs >= graceMs) {
      return { counts, ...t, waitedMs };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The ceiling row of an earlier scenario in this run, if any. */
export function earlierRate(
  rows: readonly { scenario: string; rate: number }[],
  scenario: string,
): number | null {
  return rows.find((r) => r.scenario === scenario)?.rate ?? null;
}
