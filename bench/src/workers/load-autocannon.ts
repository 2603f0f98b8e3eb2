// Load generator in its own process (issue 11): autocannon against a URL for a fixed time.
// Prints `STARTED` just before the load begins and `RESULT <json>` at the end.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { printResult, selfUsage } from '../lib/child.js';

export interface LoadConfig {
  url: string;
  connections: number;
  durationSec: number;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  pipelining?: number;
  /** Requests per second over all connections (a fixed offered load); max rate when absent. */
  overallRate?: number;
  /** An unmeasured run first, so the server under test is warm (JIT, caches, pools). */
  warmupSec?: number;
}

export interface LoadResult {
  requests: number;
  durationSec: number;
  reqPerSec: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  /** Responses with a 2xx status. */
  ok2xx: number;
  /** Responses by status code. */
  statusCodes: Record<string, number>;
  /** The load generator's own CPU (% of one core) and peak RSS. */
  cpuPercent: number;
  peakRssMiB: number;
}

// The config as JSON, or `@<file>` holding it (a 1 000-message body is too long for argv).
const arg = process.argv[2] ?? '{}';
const config = JSON.parse(arg.startsWith('@') ? readFileSync(arg.slice(1), 'utf8') : arg) as LoadConfig;
const options = {
  url: config.url,
  connections: config.connections,
  method: config.method,
  headers: config.headers,
  body: config.body,
  pipelining: config.pipelining ?? 1,
  ...(config.overallRate !== undefined ? { overallRate: config.overallRate } : {}),
};
if (config.warmupSec !== undefined && config.warmupSec > 0) {
  await autocannon({ ...options, duration: config.warmupSec });
}
process.stdout.write('STARTED\n');
const cpuBefore = process.cpuUsage();
const started = performance.now();
const result = await autocannon({ ...options, duration: config.durationSec });
const statusCodes: Record<string, number> = {};
for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) {
  statusCodes[code] = (stats as { count: number }).count;
}
const usage = selfUsage(cpuBefore);
const answer: LoadResult = {
  requests: result.requests.total,
  durationSec: result.duration,
  reqPerSec: result.requests.total / result.duration,
  latencyMs: {
    mean: result.latency.mean,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
  },
  errors: result.errors,
  timeouts: result.timeouts,
  non2xx: result.non2xx,
  ok2xx: result['2xx'],
  statusCodes,
  cpuPercent: (usage.cpuMs / (performance.now() - started)) * 100,
  peakRssMiB: usage.peakRssMiB,
};
printResult(answer);
