// ceiling.smpp: submit_sm per second the `smpp` package client gets from the SMSC simulator
// (instant acks and receipts, its own process) with a window of 100 — the most the delivery
// engine's SMPP connector can do on this machine. Yardstick for e2e.sms and backlog's drain.
import { ProcessMonitor, spawnScript, workerPath } from '../lib/child.js';
import { SMSC_CREDENTIALS, startSmscSimulator } from '../lib/platform.js';
import { round } from '../lib/stats.js';
import type { Scenario } from '../scenario.js';
import type { SmppClientConfig, SmppClientResult } from '../workers/smpp-client.js';

const WINDOW = 100;

export const ceilingSmpp: Scenario = {
  name: 'ceiling.smpp',
  description: 'smpp package client → SMSC simulator (instant, receipts), transceiver, window 100',
  defaultDurationMs: 10_000,
  timeoutMs: (durationMs) => durationMs + 60_000,
  async run(ctx) {
    const { smsc, port } = await startSmscSimulator(ctx.signal);
    try {
      const config: SmppClientConfig = {
        port,
        systemId: SMSC_CREDENTIALS.systemId,
        password: SMSC_CREDENTIALS.password,
        window: WINDOW,
        durationMs: ctx.durationMs,
        warmupMs: 2000,
      };
      const client = spawnScript(workerPath('smpp-client.ts'), [JSON.stringify(config)], {
        signal: ctx.signal,
      });
      try {
        await client.waitForLine(/^STARTED$/, 30_000);
        const monitor = new ProcessMonitor(smsc.pid).start();
        const line = await client.waitForLine(/^RESULT (.*)$/, ctx.durationMs + 30_000);
        const simulator = monitor.stop();
        const result = JSON.parse(line[1] as string) as SmppClientResult;
        return [
          {
            scenario: 'ceiling.smpp',
            case: `submit_sm, window ${WINDOW}`,
            rate: round(result.submitsPerSec),
            unit: 'msg/s',
            p50Ms: round(result.latencyMs.p50, 2),
            p99Ms: round(result.latencyMs.p99, 2),
            cpuPercent: round(result.cpuPercent),
            peakRssMiB: round(result.peakRssMiB),
            notes: `client CPU/RSS; simulator CPU ${simulator.cpuPercent === null ? '?' : round(simulator.cpuPercent)} %; receipts ${round(result.receiptsPerSec)}/s; errors ${result.errors}; p50/p99 submit→resp`,
            details: { client: result, simulator },
          },
        ];
      } finally {
        await client.stop();
      }
    } finally {
      await smsc.stop();
    }
  },
};
