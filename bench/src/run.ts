// `npm run bench [-- <filter>...] [--duration=<seconds>] [--list] [--no-write]`: runs the
// scenarios whose name contains any filter (all when none), each bounded in time, then prints
// a table and writes bench/results/<date-time>.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopAllChildren } from './lib/child.js';
import { formatTable } from './lib/table.js';
import type { ResultRow, Scenario } from './scenario.js';
import { scenarios } from './scenarios/index.js';

interface Options {
  filters: string[];
  durationMs: number | null;
  list: boolean;
  write: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { filters: [], durationMs: null, list: false, write: true };
  for (const arg of argv) {
    if (arg === '--list') {
      options.list = true;
    } else if (arg === '--no-write') {
      options.write = false;
    } else if (arg.startsWith('--duration=')) {
      const seconds = Number(arg.slice('--duration='.length));
      if (!(seconds > 0 && seconds <= 600)) {
        throw new Error(`--duration must be between 0 and 600 seconds, got ${arg}`);
      }
      options.durationMs = seconds * 1000;
    } else if (arg.startsWith('--')) {
      throw new Error(`unknown option ${arg}; use [filter...] [--duration=<s>] [--list] [--no-write]`);
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
  const timeoutMs = scenario.timeoutMs(durationMs);
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
