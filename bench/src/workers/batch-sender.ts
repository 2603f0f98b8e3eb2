// backlog's loader: sends `total` SMS through POST /api/v1/messages/batch in batches of
// `batchSize`, `concurrency` requests at a time, each batch to different recipients. A 503
// (BACKLOG_FULL or too many pending accepts) is retried after its Retry-After. Prints
// `PROGRESS <accepted>` now and then and `RESULT <json>` at the end.
import { printResult, selfUsage } from '../lib/child.js';
import { batchBody } from '../lib/load.js';
import { percentile } from '../lib/stats.js';

export interface BatchSenderConfig {
  url: string;
  apiKey: string;
  total: number;
  batchSize: number;
  concurrency: number;
}

export interface BatchSenderResult {
  accepted: number;
  rejected: number;
  requests: number;
  retries503: number;
  seconds: number;
  messagesPerSec: number;
  requestMs: { p50: number; p99: number; max: number };
  cpuPercent: number;
  peakRssMiB: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as BatchSenderConfig;
let next = 0;
let accepted = 0;
let rejected = 0;
let requests = 0;
let retries503 = 0;
const times: number[] = [];
const cpuBefore = process.cpuUsage();
const started = performance.now();
let lastProgress = 0;

async function worker(): Promise<void> {
  while (next < config.total) {
    const size = Math.min(config.batchSize, config.total - next);
    const offset = next;
    next += size;
    const body = batchBody(size, offset);
    for (;;) {
      const t = performance.now();
      const res = await fetch(config.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': config.apiKey },
        body,
      });
      const text = await res.text();
      requests++;
      if (res.status === 503) {
        retries503++;
        const after = Number(res.headers.get('retry-after') ?? '1');
        await new Promise((r) => setTimeout(r, Math.min(5, Math.max(0.2, after)) * 1000));
        continue;
      }
      times.push(performance.now() - t);
      if (res.status !== 200) {
        throw new Error(`batch refused: ${res.status} ${text.slice(0, 500)}`);
      }
      const data = (JSON.parse(text) as { data: { accepted: number; rejected: number } }).data;
      accepted += data.accepted;
      rejected += data.rejected;
      break;
    }
    if (accepted - lastProgress >= 50_000) {
      lastProgress = accepted;
      process.stdout.write(`PROGRESS ${accepted}\n`);
    }
  }
}

await Promise.all(Array.from({ length: config.concurrency }, () => worker()));
const elapsed = performance.now() - started;
const usage = selfUsage(cpuBefore);
const answer: BatchSenderResult = {
  accepted,
  rejected,
  requests,
  retries503,
  seconds: elapsed / 1000,
  messagesPerSec: (accepted / elapsed) * 1000,
  requestMs: {
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    max: times.reduce((a, b) => Math.max(a, b), 0),
  },
  cpuPercent: (usage.cpuMs / elapsed) * 100,
  peakRssMiB: usage.peakRssMiB,
};
printResult(answer);
