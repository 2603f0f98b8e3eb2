// backlog: the provider's queue paused (POST /api/v1/delivery/queues/:id/pause), N messages
// (`--backlog-count`, default 1 000 000) accepted through the batch API; the platform's peak
// RSS while they wait; then the queue resumed and the drain timed until the queue is empty and
// every message has its final state (DELIVRD receipts from the SMSC simulator).
import { ProcessMonitor, readProc, spawnScript, workerPath } from '../lib/child.js';
import { earlierRate, lastMessageId, waitAllFinal } from '../lib/load.js';
import { monotonicMicros, startPlatform } from '../lib/platform.js';
import { round } from '../lib/stats.js';
import { ScenarioFailure } from '../scenario.js';
import type { ResultRow, Scenario } from '../scenario.js';
import type { BatchSenderConfig, BatchSenderResult } from '../workers/batch-sender.js';

const BATCH = 10_000;
const CONCURRENCY = 4;
const TARGET_RSS_MIB = 1024;

export const backlog: Scenario = {
  name: 'backlog',
  description:
    'queue paused, --backlog-count messages (default 1 000 000) accepted in batches of 10 000: peak RSS; then resumed: drain rate',
  defaultDurationMs: 60_000,
  // Count-bounded, not time-bounded: allow 2 ms per message plus the grace period.
  timeoutMs: (_durationMs, settings) => 180_000 + settings.backlogCount * 2 + settings.graceMs,
  async run(ctx) {
    const count = ctx.settings.backlogCount;
    const platform = await startPlatform({
      workDir: ctx.workDir,
      signal: ctx.signal,
      log: ctx.log,
      name: 'backlog',
      windowSize: 200,
    });
    try {
      const db = platform.db();
      const afterId = lastMessageId(db);
      await platform.pauseQueue();
      const idle = readProc(platform.pid);
      ctx.log(
        `queue paused; accepting ${count.toLocaleString('en-US')} messages (RSS at rest ${round(idle?.rssMiB ?? NaN)} MiB)`,
      );

      // 1. Accept with the queue paused.
      const sender: BatchSenderConfig = {
        url: `${platform.baseUrl}/api/v1/messages/batch`,
        apiKey: platform.apiKey,
        total: count,
        batchSize: BATCH,
        concurrency: CONCURRENCY,
      };
      const acceptMonitor = new ProcessMonitor(platform.pid).start();
      const acceptSince = monotonicMicros();
      const load = spawnScript(workerPath('batch-sender.ts'), [JSON.stringify(sender)], {
        signal: ctx.signal,
      });
      let sent: BatchSenderResult;
      try {
        sent = JSON.parse(
          (await load.waitForLine(/^RESULT (.*)$/, 120_000 + count * 2))[1] as string,
        ) as BatchSenderResult;
      } finally {
        await load.stop();
      }
      const acceptUsage = acceptMonitor.stop();
      platform.markWindow('accept (paused)', acceptSince);
      if (sent.accepted !== count) {
        throw new Error(`${sent.accepted} of ${count} accepted (${sent.rejected} rejected)`);
      }
      // The group commit may still be writing the last batches: wait until all are queued.
      const queuedDeadline = Date.now() + 60_000;
      let queue = await platform.queueState();
      while (queue.queued < count && Date.now() < queuedDeadline) {
        await new Promise((r) => setTimeout(r, 250));
        queue = await platform.queueState();
      }
      const queuedProc = readProc(platform.pid);
      ctx.log(
        `${sent.accepted.toLocaleString('en-US')} accepted in ${round(sent.seconds, 1)} s; queued ${queue.queued}; RSS ${round(queuedProc?.rssMiB ?? NaN)} MiB, peak ${round(queuedProc?.peakRssMiB ?? NaN)} MiB`,
      );

      // 2. Resume and drain.
      const drainMonitor = new ProcessMonitor(platform.pid).start();
      const drainSince = monotonicMicros();
      const drainStart = performance.now();
      await platform.resumeQueue();
      let emptyAt: number | null = null;
      const drainDeadline = drainStart + count * 2 + ctx.settings.graceMs;
      while (performance.now() < drainDeadline) {
        queue = await platform.queueState();
        if (queue.queued === 0 && queue.inflight === 0) {
          emptyAt = performance.now();
          break;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      const submittedSec = ((emptyAt ?? performance.now()) - drainStart) / 1000;
      const final = await waitAllFinal(db, afterId, count, ctx.settings.graceMs);
      const finalSec = (performance.now() - drainStart) / 1000;
      const drainUsage = drainMonitor.stop();
      platform.markWindow('drain', drainSince);
      const missing = count - final.final;
      const peak = queuedProc?.peakRssMiB ?? NaN;
      const smppCeiling = earlierRate(ctx.earlierRows, 'ceiling.smpp');
      const drainRate = count / submittedSec;
      const rows: ResultRow[] = [
        {
          scenario: 'backlog',
          case: `accept ${count.toLocaleString('en-US')}, queue paused`,
          rate: round(sent.messagesPerSec),
          unit: 'msg/s',
          p50Ms: round(sent.requestMs.p50, 1),
          p99Ms: round(sent.requestMs.p99, 1),
          ...(acceptUsage.cpuPercent !== null ? { cpuPercent: round(acceptUsage.cpuPercent) } : {}),
          peakRssMiB: round(peak),
          notes: `peak RSS while queued (VmHWM; RSS ${round(queuedProc?.rssMiB ?? NaN)} MiB with all queued, ${round(idle?.rssMiB ?? NaN)} MiB before); target ≤ 1 GiB: ${peak <= TARGET_RSS_MIB ? 'met' : 'MISSED'}; ${CONCURRENCY} × ${BATCH.toLocaleString('en-US')}-message batches, p50/p99 per request; ${sent.retries503} × 503 retried`,
          details: { sender: sent, acceptUsage, idle, queued: queuedProc, queue: queue.raw },
        },
        {
          scenario: 'backlog',
          case: 'drain after resume',
          rate: round(drainRate),
          unit: 'msg/s',
          ...(drainUsage.cpuPercent !== null ? { cpuPercent: round(drainUsage.cpuPercent) } : {}),
          ...(drainUsage.peakRssMiB !== null ? { peakRssMiB: round(drainUsage.peakRssMiB) } : {}),
          notes: `${smppCeiling === null ? '' : `${round(drainRate / smppCeiling, 2)} × ceiling.smpp; `}queue empty after ${round(submittedSec, 1)} s${emptyAt === null ? ' (NOT EMPTIED)' : ''}; all final after ${round(finalSec, 1)} s (${round(final.final / finalSec)}/s); ${missing === 0 ? '0 missing' : `${missing} MISSING ${JSON.stringify(final.counts)}`}`,
          details: { submittedSec, finalSec, final, drainUsage },
        },
      ];
      if (missing !== 0 || emptyAt === null) {
        // The scenario fails, but its figures still go to the table and the JSON file.
        throw new ScenarioFailure(
          `backlog did not drain: ${missing} of ${count} not final (${JSON.stringify(final.counts)})`,
          rows,
        );
      }
      return rows;
    } finally {
      await platform.stop();
    }
  },
};
