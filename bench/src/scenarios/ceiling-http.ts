// ceiling.http: requests per second of a bare Fastify POST handler returning a constant, loaded
// by autocannon from a separate process over loopback — the yardstick for accept.single.
import { ProcessMonitor, spawnScript, workerPath } from '../lib/child.js';
import { round } from '../lib/stats.js';
import type { ResultRow, Scenario } from '../scenario.js';
import type { LoadConfig, LoadResult } from '../workers/load-autocannon.js';

const CONNECTIONS = 50;
const BODY = JSON.stringify({
  to: '+8613800138000',
  from: 'PIGEON',
  text: 'Your verification code is 123456. It expires in 5 minutes.',
  reference: 'order-20260105-0001',
});

export const ceilingHttp: Scenario = {
  name: 'ceiling.http',
  description: 'bare Fastify POST handler returning a constant; autocannon, 50 connections, separate process',
  defaultDurationMs: 10_000,
  timeoutMs: (durationMs) => durationMs + 60_000,
  async run(ctx) {
    const server = spawnScript(workerPath('bare-http.ts'), [], { signal: ctx.signal });
    try {
      const port = (await server.waitForLine(/^READY (\d+)$/, 20_000))[1] as string;
      const config: LoadConfig = {
        url: `http://127.0.0.1:${port}/api/v1/messages`,
        connections: CONNECTIONS,
        durationSec: Math.max(1, Math.round(ctx.durationMs / 1000)),
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: BODY,
      };
      ctx.log(
        `server pid ${server.pid} on port ${port}; ${CONNECTIONS} connections for ${config.durationSec} s`,
      );
      const load = spawnScript(workerPath('load-autocannon.ts'), [JSON.stringify(config)], {
        signal: ctx.signal,
      });
      try {
        await load.waitForLine(/^STARTED$/, 20_000);
        const monitor = new ProcessMonitor(server.pid).start();
        const line = await load.waitForLine(/^RESULT (.*)$/, ctx.durationMs + 30_000);
        const serverUsage = monitor.stop();
        const result = JSON.parse(line[1] as string) as LoadResult;
        const row: ResultRow = {
          scenario: 'ceiling.http',
          case: 'fastify POST constant',
          rate: round(result.reqPerSec),
          unit: 'req/s',
          p50Ms: result.latencyMs.p50,
          p99Ms: result.latencyMs.p99,
          cpuPercent: serverUsage.cpuPercent === null ? undefined : round(serverUsage.cpuPercent),
          peakRssMiB: serverUsage.peakRssMiB === null ? undefined : round(serverUsage.peakRssMiB),
          notes: `${CONNECTIONS} conns, ${result.durationSec} s; errors ${result.errors + result.non2xx}; load generator CPU ${round(result.cpuPercent)} %`,
          details: { load: result, server: serverUsage, body: BODY },
        };
        return [row];
      } finally {
        await load.stop();
      }
    } finally {
      await server.stop();
    }
  },
};
