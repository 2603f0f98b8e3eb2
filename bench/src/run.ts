// `npm run bench [-- <filter>...] [--duration=<seconds>] [--backlog-count=<n>] [--e2e-rate=<n>]
// [--e2e-latency-rate=<n>] [--grace=<seconds>] [--profile] [--trace-sql] [--list] [--no-write]`: runs the
// scenarios whose name contains any filter (all when none), each bounded in time, then prints
// a table and writes bench/results/<date-time>.json. Options take `--name=value` or `--name value`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopAllChildren } from './lib/child.js';
import { formatTable } from './lib/table.js';
import { platformOptions } from './lib/platform.js';
import { ScenarioFailure } from './scenario.js';
import type { BenchSettings, ResultRow, Scenario } from './scenario.js';
import { scenarios } from './scenarios/index.js';

interface Options {
  filters: string[];
  durationMs: number | null;
  list: boolean;
  write: boolean;
  profile: boolean;
  traceSql: boolean;
  settings: BenchSettings;
}

const USAGE =
  'use [filter...] [--duration=<s>] [--backlog-count=<n>] [--e2e-rate=<msg/s>] [--e2e-latency-rate=<msg/s>] [--grace=<s>] [--profile] [--trace-sql] [--list] [--no-write]';

function numberOption(name: string, value: string | undefined, min: number, max: number): number {
  const n = Number(value);
  if (value === undefined || value === '' || !(n >= min && n <= max)) {
    throw new Error(`--${name} must be a number between ${min} and ${max}, got ${value ?? 'nothing'}`);
  }
  return n;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = {
    filters: [],
    durationMs: null,
    list: false,
    write: true,
    profile: false,
    traceSql: false,
    settings: { backlogCount: 1_000_000, e2eRate: 10_000, e2eLatencyRate: 1000, graceMs: 60_000 },
  };
  const valued = new Set(['duration', 'backlog-count', 'e2e-rate', 'e2e-latency-rate', 'grace']);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--list') {
      options.list = true;
    } else if (arg === '--no-write') {
      options.write = false;
    } else if (arg === '--profile') {
      options.profile = true;
    } else if (arg === '--trace-sql') {
      options.traceSql = true;
    } else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      if (!valued.has(name)) {
        throw new Error(`unknown option ${arg}; ${USAGE}`);
      }
      const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
      switch (name) {
        case 'duration':
          options.durationMs = numberOption(name, value, 1, 600) * 1000;
          break;
        case 'backlog-count':
          options.settings.backlogCount = Math.round(numberOption(name, value, 1000, 10_000_000));
          break;
        case 'e2e-rate':
          options.settings.e2eRate = numberOption(name, value, 100, 1_000_000);
          break;
        case 'e2e-latency-rate':
          options.settings.e2eLatencyRate = numberOption(name, value, 10, 1_000_000);
          break;
        case 'grace':
          options.settings.graceMs = numberOption(name, value, 1, 3600) * 1000;
          break;
      }
    } else {
      options.filters.push(arg);
    }
  }
  return options;
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

async function runOne(scenario: Scenario, options: Options, earlierRows: ResultRow[]): Promise<ResultRow[]> {
  const durationMs = options.durationMs ?? scenario.defaultDurationMs;
  const timeoutMs = scenario.timeoutMs(durationMs, options.settings);
  const workDir = mkdtempSync(join(os.tmpdir(), `pigeon-bench-${scenario.name}-`));
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new Error(`${scenario.name} overran its ${timeoutMs} ms limit and was stopped`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      scenario.run({
        durationMs,
        workDir,
        signal: abort.signal,
        earlierRows,
        settings: options.settings,
        log: (message) => log(`${scenario.name}: ${message}`),
      }),
      overrun,
    ]);
  } finally {
    clearTimeout(timer);
    await stopAllChildren();
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  platformOptions.profile = options.profile;
  platformOptions.traceSql = options.traceSql;
  const selected = scenarios.filter(
    (s) => options.filters.length === 0 || options.filters.some((f) => s.name.includes(f)),
  );
  if (options.list) {
    for (const s of scenarios) {
      process.stdout.write(`${s.name.padEnd(20)} ${s.description}\n`);
    }
    return 0;
  }
  if (selected.length === 0) {
    log(`no scenario matches ${options.filters.join(', ')}; try --list`);
    return 2;
  }

  const startedAt = new Date();
  const loadBefore = os.loadavg()[0] ?? 0;
  if (loadBefore > os.cpus().length / 2) {
    log(
      `load average is ${loadBefore.toFixed(2)} on ${os.cpus().length} CPUs: other work will skew the figures`,
    );
  }
  const rows: ResultRow[] = [];
  const failures: { scenario: string; error: string }[] = [];
  for (const scenario of selected) {
    log(`${scenario.name}: ${scenario.description}`);
    try {
      rows.push(...(await runOne(scenario, options, rows)));
    } catch (error) {
      if (error instanceof ScenarioFailure) {
        rows.push(...error.rows);
      }
      const message = error instanceof Error ? error.message : String(error);
      log(`${scenario.name} FAILED: ${message}`);
      failures.push({ scenario: scenario.name, error: message });
    }
  }

  process.stdout.write(`\n${formatTable(rows)}\n`);
  for (const failure of failures) {
    process.stdout.write(`FAILED ${failure.scenario}: ${failure.error}\n`);
  }

  if (options.write) {
    const cpus = os.cpus();
    const report = {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      commit: gitCommit(),
      filters: options.filters,
      durationMs: options.durationMs,
      settings: options.settings,
      profile: options.profile,
      machine: {
        cpus: cpus.length,
        cpuModel: cpus[0]?.model ?? null,
        memoryMiB: Math.round(os.totalmem() / 2 ** 20),
        platform: `${os.platform()} ${os.release()}`,
        node: process.version,
        // 1-minute load average before and after: a busy machine explains a low figure.
        loadAverage: { before: loadBefore, after: os.loadavg()[0] ?? 0 },
      },
      rows,
      failures,
    };
    const dir = fileURLToPath(new URL('../results/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    const file = join(
      dir,
      `${startedAt
        .toISOString()
        .replace(/:/g, '-')
        .replace(/\.\d+Z$/, 'Z')}.json`,
    );
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    log(`wrote ${file}`);
  }
  return failures.length === 0 ? 0 : 1;
}

const stopAndExit = (code: number): void => {
  void stopAllChildren().finally(() => process.exit(code));
};
process.once('SIGINT', () => stopAndExit(130));
process.once('SIGTERM', () => stopAndExit(143));

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    log(error instanceof Error ? error.message : String(error));
    stopAndExit(1);
  },
);
