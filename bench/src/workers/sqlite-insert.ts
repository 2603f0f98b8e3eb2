// ceiling.sqlite's worker: batched inserts of message-sized rows into a fresh SQLite file with
// WAL and synchronous=NORMAL, as the platform configures it. Prints `RESULT <json>`.
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { printResult, selfUsage } from '../lib/child.js';
import { percentile } from '../lib/stats.js';

export interface SqliteConfig {
  file: string;
  durationMs: number;
  batchSize: number;
  /** Stop early after this many rows, whatever the time. */
  maxRows: number;
}

export interface SqliteResult {
  rows: number;
  seconds: number;
  rowsPerSec: number;
  batchMs: { p50: number; p99: number; max: number };
  /** Average bytes of column data per row, and database + WAL bytes per row on disk. */
  payloadBytesPerRow: number;
  diskBytesPerRow: number;
  cpuPercent: number;
  peakRssMiB: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as SqliteConfig;
const db = new Database(config.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('cache_size = -65536'); // 64 MiB
db.pragma('temp_store = MEMORY');
db.exec(`CREATE TABLE messages (
  id TEXT PRIMARY KEY,
  enterprise_id TEXT NOT NULL,
  sending_account_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  recipient TEXT NOT NULL,
  sender TEXT,
  body TEXT NOT NULL,
  status TEXT NOT NULL,
  segments INTEGER NOT NULL,
  price_micros INTEGER NOT NULL,
  created_at TEXT NOT NULL
) WITHOUT ROWID`);

const insert = db.prepare(
  'INSERT INTO messages (id, enterprise_id, sending_account_id, channel, recipient, sender, body, status, segments, price_micros, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
);
const enterpriseId = '0192f000-0000-7000-8000-00000000e001';
const accountId = '0192f000-0000-7000-8000-00000000a001';
const text =
  'Your verification code is 000000. It expires in 5 minutes. Do not share this code with anyone. If you did not request it, ignore this message. Pigeon';
let sequence = 0;
let payloadBytes = 0;

/** A UUIDv7-shaped, time-ordered id: the insert pattern of the real message table. */
function timeOrderedId(ms: number, seq: number): string {
  const t = ms.toString(16).padStart(12, '0');
  const s = seq.toString(16).padStart(16, '0');
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${s.slice(0, 3)}-8${s.slice(3, 6)}-${s.slice(6, 16).padStart(12, '0')}`;
}

const insertBatch = db.transaction((count: number) => {
  const now = Date.now();
  const createdAt = new Date(now).toISOString();
  for (let i = 0; i < count; i++) {
    sequence++;
    const recipient = `+86138${String(sequence % 100_000_000).padStart(8, '0')}`;
    const body = `${text} #${sequence}`;
    const row = [
      timeOrderedId(now, sequence),
      enterpriseId,
      accountId,
      'sms',
      recipient,
      'PIGEON',
      body,
      'queued',
      1,
      35_000,
      createdAt,
    ] as const;
    payloadBytes += 36 * 3 + 3 + recipient.length + 6 + body.length + 6 + 8 + 8 + createdAt.length;
    insert.run(...row);
  }
});

const cpuBefore = process.cpuUsage();
const started = performance.now();
const batchTimes: number[] = [];
let elapsed = 0;
while (elapsed < config.durationMs && sequence < config.maxRows) {
  const t = performance.now();
  insertBatch(config.batchSize);
  batchTimes.push(performance.now() - t);
  elapsed = performance.now() - started;
}
const usage = selfUsage(cpuBefore);
const diskBytes = [config.file, `${config.file}-wal`].reduce((sum, f) => {
  try {
    return sum + statSync(f).size;
  } catch {
    return sum;
  }
}, 0);
db.close();

const answer: SqliteResult = {
  rows: sequence,
  seconds: elapsed / 1000,
  rowsPerSec: (sequence / elapsed) * 1000,
  batchMs: { p50: percentile(batchTimes, 50), p99: percentile(batchTimes, 99), max: Math.max(...batchTimes) },
  payloadBytesPerRow: payloadBytes / sequence,
  diskBytesPerRow: diskBytes / sequence,
  cpuPercent: (usage.cpuMs / elapsed) * 100,
  peakRssMiB: usage.peakRssMiB,
};
printResult(answer);
