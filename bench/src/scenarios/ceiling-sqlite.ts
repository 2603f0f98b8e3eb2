// ceiling.sqlite: rows per second of batched inserts of message-sized rows (about 300 bytes,
// 1 000 per transaction) into a temporary SQLite file with WAL and synchronous=NORMAL.
import { join } from 'node:path';
import { runWorker } from '../lib/child.js';
import { round } from '../lib/stats.js';
import type { Scenario } from '../scenario.js';
import type { SqliteConfig, SqliteResult } from '../workers/sqlite-insert.js';

const BATCH = 1000;
const MAX_ROWS = 5_000_000;

export const ceilingSqlite: Scenario = {
  name: 'ceiling.sqlite',
  description:
    'better-sqlite3 batched inserts, ~300-byte rows, 1 000 per transaction, WAL + synchronous=NORMAL',
  defaultDurationMs: 5000,
  timeoutMs: (durationMs) => durationMs + 60_000,
  async run(ctx) {
    const config: SqliteConfig = {
      file: join(ctx.workDir, 'ceiling.sqlite'),
      durationMs: ctx.durationMs,
      batchSize: BATCH,
      maxRows: MAX_ROWS,
    };
    const result = await runWorker<SqliteResult>('sqlite-insert.ts', config, {
      timeoutMs: ctx.durationMs + 30_000,
      signal: ctx.signal,
    });
    return [
      {
        scenario: 'ceiling.sqlite',
        case: `insert ${BATCH}/txn`,
        rate: round(result.rowsPerSec),
        unit: 'rows/s',
        // Latency of one 1 000-row transaction.
        p50Ms: result.batchMs.p50,
        p99Ms: result.batchMs.p99,
        cpuPercent: round(result.cpuPercent),
        peakRssMiB: round(result.peakRssMiB),
        notes: `${result.rows.toLocaleString('en-US')} rows in ${round(result.seconds, 1)} s; p50/p99 per transaction; ${round(result.payloadBytesPerRow)} B/row data, ${round(result.diskBytesPerRow)} B/row on disk`,
        details: { ...result },
      },
    ];
  },
};
