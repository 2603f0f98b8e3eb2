// Load generator in its own process (issue 11): autocannon against a URL for a fixed time.
// Prints `STARTED` just before the load begins and `RESULT <json>` at the end.
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
}

export interface LoadResult {
  requests: number;
  durationSec: number;
  reqPerSec: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  /** The load generator's own CPU (% of one core) and peak RSS. */
  cpuPercent: number;
  peakRssMiB: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as LoadConfig;
process.stdout.write('STARTED\n');
const cpuBefore = process.cpuUsage();
const started = performance.now();
const result = await autocannon({
  url: config.url,
  connections: config.connections,
  duration: config.durationSec,
  method: config.method,
  headers: config.headers,
  body: config.body,
  pipelining: config.pipelining ?? 1,
});
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
  cpuPercent: (usage.cpuMs / (performance.now() - started)) * 100,
  peakRssMiB: usage.peakRssMiB,
};
printResult(answer);
