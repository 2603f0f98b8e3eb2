// accept.single, accept.latency, accept.batch: the send API of the real platform (`pigeon start`
// in a child process, seeded data directory, SMSC simulator in instant mode, delivery running),
// loaded by autocannon from another process over loopback.
import type { LoadResult } from '../workers/load-autocannon.js';
import type { ProcessUsage } from '../lib/child.js';
import { batchBody, earlierRate, loadPlatform, singleBody, statusCounts, totals } from '../lib/load.js';
import { startPlatform } from '../lib/platform.js';
import { round } from '../lib/stats.js';
import type { ResultRow, Scenario, ScenarioContext } from '../scenario.js';

const CONNECTIONS = 50;
const WARMUP_SEC = 3;
const BATCH_SIZE = 1000;
const BATCH_CONNECTIONS = 8;

/** Issue 11's targets on the 2-core reference machine. */
export const TARGETS = {
  acceptSingleRatio: 0.5,
  acceptSingleRate: 14_000,
  acceptLatencyP99Ms: 10,
  acceptBatchRate: 70_000,
};

function usageFields(usage: ProcessUsage): Pick<ResultRow, 'cpuPercent' | 'peakRssMiB'> {
  return {
    ...(usage.cpuPercent !== null ? { cpuPercent: round(usage.cpuPercent) } : {}),
    ...(usage.peakRssMiB !== null ? { peakRssMiB: round(usage.peakRssMiB) } : {}),
  };
}

function errorsOf(load: LoadResult): string {
  const bad = Object.entries(load.statusCodes).filter(([code]) => !code.startsWith('2'));
  const parts = bad.map(([code, n]) => `${n}×${code}`);
  if (load.errors > 0) {
    parts.push(`${load.errors} socket errors`);
  }
  return parts.length === 0 ? 'no errors' : parts.join(', ');
}

function mark(ok: boolean): string {
  return ok ? 'met' : 'MISSED';
}

async function withPlatform<T>(
  ctx: ScenarioContext,
  name: string,
  fn: (p: Awaited<ReturnType<typeof startPlatform>>) => Promise<T>,
): Promise<T> {
  const platform = await startPlatform({ workDir: ctx.workDir, signal: ctx.signal, log: ctx.log, name });
  try {
    return await fn(platform);
  } finally {
    await platform.stop();
  }
}

/** One send before the load, so a broken set-up fails loudly instead of measuring 4xx. */
async function checkSingle(platform: Awaited<ReturnType<typeof startPlatform>>): Promise<void> {
  const res = await fetch(`${platform.baseUrl}/api/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': platform.apiKey },
    body: singleBody(),
  });
  if (res.status !== 201) {
    throw new Error(`a single send was refused: ${res.status} ${(await res.text()).slice(0, 500)}`);
  }
}

async function measureSingle(
  ctx: ScenarioContext,
  platform: Awaited<ReturnType<typeof startPlatform>>,
  durationSec: number,
  overallRate?: number,
): Promise<{ load: LoadResult; usage: ProcessUsage; rate: number }> {
  const { load, usage } = await loadPlatform(
    platform,
    {
      path: '/api/v1/messages',
      connections: CONNECTIONS,
      durationSec,
      body: singleBody(),
      warmupSec: WARMUP_SEC,
      ...(overallRate !== undefined ? { overallRate } : {}),
    },
    ctx.signal,
  );
  return { load, usage, rate: load.ok2xx / load.durationSec };
}

export const acceptSingle: Scenario = {
  name: 'accept.single',
  description: 'POST /api/v1/messages (one SMS, API key) at max rate, 50 connections, on the real platform',
  defaultDurationMs: 15_000,
  timeoutMs: (durationMs) => durationMs + 120_000,
  run: (ctx) =>
    withPlatform(ctx, 'accept.single', async (platform) => {
      const durationSec = Math.max(1, Math.round(ctx.durationMs / 1000));
      ctx.log(`${CONNECTIONS} connections for ${durationSec} s after a ${WARMUP_SEC} s warm-up`);
      await checkSingle(platform);
      const { load, usage, rate } = await measureSingle(ctx, platform, durationSec);
      const ceiling = earlierRate(ctx.earlierRows, 'ceiling.http');
      const ratio = ceiling === null ? null : rate / ceiling;
      const met = ratio !== null && ratio >= TARGETS.acceptSingleRatio && rate >= TARGETS.acceptSingleRate;
      const stored = totals(statusCounts(platform.db()));
      return [
        {
          scenario: 'accept.single',
          case: 'POST /messages, 1 SMS',
          rate: round(rate),
          unit: 'msg/s',
          p50Ms: load.latencyMs.p50,
          p99Ms: load.latencyMs.p99,
          ...usageFields(usage),
          notes:
            (ratio === null ? 'no ceiling.http in this run' : `${round(ratio, 2)} × ceiling.http`) +
            `; target ≥ 0.5 × ceiling and ≥ 14 000/s: ${mark(met)}; ${errorsOf(load)}`,
          details: { load, usage, ceilingHttp: ceiling, ratio, storedMessages: stored, targets: TARGETS },
        },
      ];
    }),
};

export const acceptLatency: Scenario = {
  name: 'accept.latency',
  description: "POST /api/v1/messages at half of accept.single's rate (fixed offered load): p50/p99",
  defaultDurationMs: 15_000,
  timeoutMs: (durationMs) => 2 * durationMs + 120_000,
  run: (ctx) =>
    withPlatform(ctx, 'accept.latency', async (platform) => {
      await checkSingle(platform);
      let full = earlierRate(ctx.earlierRows, 'accept.single');
      let probed = false;
      if (full === null) {
        // Run alone: find the max rate first, briefly.
        ctx.log('no accept.single in this run: probing the max rate for 5 s');
        full = (await measureSingle(ctx, platform, 5)).rate;
        probed = true;
      }
      const offered = Math.max(1, Math.round(full / 2));
      const durationSec = Math.max(1, Math.round(ctx.durationMs / 1000));
      ctx.log(`offered ${offered} req/s over ${CONNECTIONS} connections for ${durationSec} s`);
      const { load, usage, rate } = await measureSingle(ctx, platform, durationSec, offered);
      return [
        {
          scenario: 'accept.latency',
          case: `POST /messages at ${offered.toLocaleString('en-US')}/s`,
          rate: round(rate),
          unit: 'msg/s',
          p50Ms: load.latencyMs.p50,
          p99Ms: load.latencyMs.p99,
          ...usageFields(usage),
          notes: `half of ${probed ? 'a 5 s probe' : 'accept.single'} (${round(full).toLocaleString('en-US')}/s); target p99 ≤ ${TARGETS.acceptLatencyP99Ms} ms: ${mark(load.latencyMs.p99 <= TARGETS.acceptLatencyP99Ms)}; ${errorsOf(load)}`,
          details: { load, usage, offered, fullRate: full, probed },
        },
      ];
    }),
};

export const acceptBatch: Scenario = {
  name: 'accept.batch',
  description: 'POST /api/v1/messages/batch with 1 000 SMS per request at max rate, 8 connections',
  defaultDurationMs: 15_000,
  timeoutMs: (durationMs) => durationMs + 180_000,
  run: (ctx) =>
    withPlatform(ctx, 'accept.batch', async (platform) => {
      const durationSec = Math.max(1, Math.round(ctx.durationMs / 1000));
      const body = batchBody(BATCH_SIZE);
      ctx.log(
        `${BATCH_CONNECTIONS} connections × ${BATCH_SIZE}-message batches (${round(body.length / 1024)} KiB) for ${durationSec} s`,
      );
      const check = await fetch(`${platform.baseUrl}/api/v1/messages/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': platform.apiKey },
        body,
      });
      const checked = (await check.json()) as { data?: { accepted?: number; rejected?: number } };
      if (check.status !== 200 || checked.data?.accepted !== BATCH_SIZE) {
        throw new Error(
          `a batch was not wholly accepted: ${check.status} ${JSON.stringify(checked).slice(0, 500)}`,
        );
      }
      const { load, usage } = await loadPlatform(
        platform,
        {
          path: '/api/v1/messages/batch',
          connections: BATCH_CONNECTIONS,
          durationSec,
          body,
          warmupSec: WARMUP_SEC,
        },
        ctx.signal,
      );
      // Every 200 accepts its whole batch: the same valid messages as the checked one above.
      const rate = (load.ok2xx * BATCH_SIZE) / load.durationSec;
      const stored = totals(statusCounts(platform.db())).all;
      return [
        {
          scenario: 'accept.batch',
          case: `batch of ${BATCH_SIZE.toLocaleString('en-US')}`,
          rate: round(rate),
          unit: 'msg/s',
          p50Ms: load.latencyMs.p50,
          p99Ms: load.latencyMs.p99,
          ...usageFields(usage),
          notes: `${round(load.ok2xx / load.durationSec, 1)} req/s, p50/p99 per request; target ≥ 70 000/s: ${mark(rate >= TARGETS.acceptBatchRate)}; ${errorsOf(load)}`,
          details: { load, usage, batchSize: BATCH_SIZE, storedAtEnd: stored },
        },
      ];
    }),
};
