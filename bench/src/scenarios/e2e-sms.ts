// e2e.sms: the whole path on the real platform — accept over HTTP, queue, submit_sm to the SMSC
// simulator (instant acks, immediate DELIVRD receipts), receipt written as the final state.
// Two phases on one platform, each for the scenario's duration:
//   1. a fixed 1 000 msg/s of single sends (`--e2e-latency-rate`): accept→submit_sm p50/p99;
//   2. a sustained offered load (`--e2e-rate`, default 10 000 msg/s) of 100-message batches:
//      accepted/s and delivered/s (final states written per second inside the window).
// After each phase every accepted message must reach a final state within `--grace`
// (default 60 s): a count mismatch fails the scenario.
import type { ProcessUsage } from '../lib/child.js';
import {
  batchBody,
  earlierRate,
  lastMessageId,
  loadPlatform,
  singleBody,
  statusCountsAfter,
  submitLatency,
  totals,
  waitAllFinal,
} from '../lib/load.js';
import type { Platform } from '../lib/platform.js';
import { startPlatform } from '../lib/platform.js';
import { round } from '../lib/stats.js';
import { ScenarioFailure } from '../scenario.js';
import type { ResultRow, Scenario, ScenarioContext } from '../scenario.js';
import type { LoadResult } from '../workers/load-autocannon.js';

const BATCH = 100;
const TARGETS = { deliveredPerSec: 8000, submitP99Ms: 50 };

interface Phase {
  load: LoadResult;
  usage: ProcessUsage;
  accepted: number;
  acceptedPerSec: number;
  deliveredPerSec: number;
  finalInWindow: number;
  after: Awaited<ReturnType<typeof waitAllFinal>>;
  latency: ReturnType<typeof submitLatency>;
  windowSec: number;
  smsc: { submits: number; receiptsSent: number } | null;
}

async function runPhase(
  ctx: ScenarioContext,
  platform: Platform,
  opts: { path: string; body: string; perRequest: number; rate: number; connections: number },
): Promise<Phase> {
  const db = platform.db();
  const afterId = lastMessageId(db);
  const durationSec = Math.max(1, Math.round(ctx.durationMs / 1000));
  const smscBefore = platform.smscCounters();
  const windowStart = performance.now();
  const { load, usage } = await loadPlatform(
    platform,
    {
      path: opts.path,
      connections: opts.connections,
      durationSec,
      body: opts.body,
      overallRate: opts.rate / opts.perRequest,
    },
    ctx.signal,
  );
  // Final states written inside the window (the group commit may still hold the last accepts).
  const inWindow = totals(statusCountsAfter(db, afterId));
  const windowSec = (performance.now() - windowStart) / 1000;
  const smscAfter = platform.smscCounters();
  const accepted = load.ok2xx * opts.perRequest;
  ctx.log(
    `${opts.path}: ${accepted} accepted, ${inWindow.final} final in ${round(windowSec, 1)} s; waiting up to ${ctx.settings.graceMs / 1000} s for the rest`,
  );
  const after = await waitAllFinal(db, afterId, accepted, ctx.settings.graceMs);
  return {
    load,
    usage,
    accepted,
    acceptedPerSec: accepted / load.durationSec,
    deliveredPerSec: inWindow.final / windowSec,
    finalInWindow: inWindow.final,
    after,
    latency: submitLatency(db, afterId),
    windowSec,
    smsc:
      smscBefore && smscAfter
        ? {
            submits: smscAfter.submits - smscBefore.submits,
            receiptsSent: smscAfter.receiptsSent - smscBefore.receiptsSent,
          }
        : null,
  };
}

function usageFields(usage: ProcessUsage): Pick<ResultRow, 'cpuPercent' | 'peakRssMiB'> {
  return {
    ...(usage.cpuPercent !== null ? { cpuPercent: round(usage.cpuPercent) } : {}),
    ...(usage.peakRssMiB !== null ? { peakRssMiB: round(usage.peakRssMiB) } : {}),
  };
}

/** Describes a phase's count check; null when every accepted message is final. */
function mismatch(phase: Phase): string | null {
  // Stored may exceed what autocannon counted (requests cut off at the end of its run can
  // still be accepted); fewer stored than answered 2xx, or any stored message not final, fails.
  if (phase.after.all < phase.accepted || phase.after.final !== phase.after.all) {
    return `${phase.accepted} accepted, ${phase.after.all} stored, ${phase.after.final} final after ${round(phase.after.waitedMs / 1000, 1)} s (${JSON.stringify(phase.after.counts)})`;
  }
  return null;
}

export const e2eSms: Scenario = {
  name: 'e2e.sms',
  description:
    'accept → submit_sm → receipt on the real platform: 1 000 msg/s singles (latency), then 10 000 msg/s offered in batches of 100',
  defaultDurationMs: 60_000,
  timeoutMs: (durationMs, settings) => 2 * (durationMs + settings.graceMs) + 180_000,
  async run(ctx) {
    const platform = await startPlatform({
      workDir: ctx.workDir,
      signal: ctx.signal,
      log: ctx.log,
      name: 'e2e.sms',
      windowSize: 200,
    });
    try {
      const rate = ctx.settings.e2eLatencyRate;
      ctx.log(`phase 1: ${rate} msg/s of single sends for ${ctx.durationMs / 1000} s`);
      const steady = await runPhase(ctx, platform, {
        path: '/api/v1/messages',
        body: singleBody(),
        perRequest: 1,
        rate,
        // Enough connections that a slow response does not lower the offered rate.
        connections: 50,
      });
      const offered = ctx.settings.e2eRate;
      ctx.log(`phase 2: ${offered} msg/s offered in batches of ${BATCH} for ${ctx.durationMs / 1000} s`);
      const sustained = await runPhase(ctx, platform, {
        path: '/api/v1/messages/batch',
        body: batchBody(BATCH),
        perRequest: BATCH,
        rate: offered,
        connections: 16,
      });

      const smppCeiling = earlierRate(ctx.earlierRows, 'ceiling.smpp');
      const ofSmpp =
        smppCeiling === null ? '' : `${round(sustained.deliveredPerSec / smppCeiling, 2)} × ceiling.smpp; `;
      const steadyMismatch = mismatch(steady);
      const sustainedMismatch = mismatch(sustained);
      const rows: ResultRow[] = [
        {
          scenario: 'e2e.sms',
          case: `${rate.toLocaleString('en-US')}/s singles: accept→submit`,
          rate: round(steady.acceptedPerSec),
          unit: 'msg/s',
          p50Ms: steady.latency.toSubmit.p50,
          p99Ms: steady.latency.toSubmit.p99,
          ...usageFields(steady.usage),
          notes: `accept→submit_sm p99 target ≤ ${TARGETS.submitP99Ms} ms: ${steady.latency.toSubmit.p99 <= TARGETS.submitP99Ms ? 'met' : 'MISSED'}; →submit_sm_resp p99 ${steady.latency.toSubmitResp.p99} ms; HTTP p99 ${steady.load.latencyMs.p99} ms; ${steadyMismatch === null ? `all ${steady.after.all} final (0 missing)` : `MISMATCH ${steadyMismatch}`}`,
          details: { ...steady, offered: rate },
        },
        {
          scenario: 'e2e.sms',
          case: `${offered.toLocaleString('en-US')}/s offered: delivered/s`,
          rate: round(sustained.deliveredPerSec),
          unit: 'msg/s',
          p50Ms: sustained.latency.toSubmit.p50,
          p99Ms: sustained.latency.toSubmit.p99,
          ...usageFields(sustained.usage),
          notes: `final states written/s in the window; ${ofSmpp}accepted ${round(sustained.acceptedPerSec)}/s; target ≥ ${TARGETS.deliveredPerSec.toLocaleString('en-US')}/s: ${sustained.deliveredPerSec >= TARGETS.deliveredPerSec ? 'met' : 'MISSED'}; ${sustainedMismatch === null ? `all ${sustained.after.all} final after ${round(sustained.after.waitedMs / 1000, 1)} s more (0 missing)` : `MISMATCH ${sustainedMismatch}`}; p50/p99 accept→submit`,
          details: { ...sustained, offered },
        },
      ];
      if (steadyMismatch !== null || sustainedMismatch !== null) {
        // The scenario fails, but its figures still go to the table and the JSON file.
        throw new ScenarioFailure(
          `not every accepted message reached a final state: ${[steadyMismatch, sustainedMismatch].filter((m) => m !== null).join('; ')}`,
          rows,
        );
      }
      return rows;
    } finally {
      await platform.stop();
    }
  },
};
