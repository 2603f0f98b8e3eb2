// The platform under test: the SMSC simulator (`pigeon simulate smsc --instant`) in one child
// process, a data directory seeded by src/workers/seed.ts, then `pigeon start` in another
// child on a free loopback port, ready when /readyz answers 200. Scenarios talk to it over
// HTTP only, and read its SQLite file read-only for counts the API does not give.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { ChildHandle } from './child.js';
import { runWorker, spawnScript } from './child.js';
import type { SeedConfig, SeedResult } from '../workers/seed.js';

export const PIGEON_BIN = fileURLToPath(new URL('../../../server/bin/pigeon.mjs', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const PROFILE_DIR = fileURLToPath(new URL('../../results/profiles/', import.meta.url));

const SMSC_SYSTEM_ID = 'pigeon';
const SMSC_PASSWORD = 'benchpw';
const ADMIN_USERNAME = 'benchadmin';
const ADMIN_PASSWORD = 'Bench-admin-pw-9';

/** Process-wide switch set by the runner's `--profile`: the platform child runs with --cpu-prof. */
export const platformOptions = { profile: false, traceSql: false };
export const SQL_TRACE_DIR = fileURLToPath(new URL('../../results/sql-trace/', import.meta.url));
const SQL_TRACE_PRELOAD = new URL('./sql-trace.mjs', import.meta.url).href;

export interface PlatformOptions {
  workDir: string;
  signal: AbortSignal;
  log: (message: string) => void;
  /** Outstanding submit_sm on the provider's bind (provider `windowSize`). */
  windowSize?: number;
  /** Extra PIGEON_* settings for the platform. */
  env?: Record<string, string>;
  /** Scenario name, used in the profile's file name. */
  name: string;
}

export interface SmscCounters {
  submits: number;
  partsAccepted: number;
  receiptsSent: number;
  receiptsAcknowledged: number;
  [name: string]: number;
}

export interface Platform {
  pid: number;
  baseUrl: string;
  apiKey: string;
  providerId: string;
  sendingAccountId: string;
  /** `Authorization` header value of the seeded platform admin. */
  adminAuthorization: string;
  dbFile: string;
  smsc: ChildHandle;
  smscPort: number;
  child: ChildHandle;
  /** A read-only connection to the platform's SQLite file (WAL: readers do not block it). */
  db(): Database.Database;
  /** The simulator's counters from its latest once-a-second stats line. */
  smscCounters(): SmscCounters | null;
  pauseQueue(): Promise<void>;
  resumeQueue(): Promise<void>;
  /** Queued and in-flight messages of the bench provider, from GET /api/v1/delivery/queues. */
  queueState(): Promise<{ queued: number; inflight: number; raw: unknown }>;
  /**
   * Marks a measured window for the CPU profile (when profiling): from `since` (a
   * monotonicMicros() value) to now. profile:summary then counts only samples inside windows.
   */
  markWindow(label: string, since: number): void;
  /** With --trace-sql: the first call starts counting prepared SQL statements, the second stops. */
  traceMark(): void;
  stop(): Promise<void>;
}

/**
 * Microseconds of CLOCK_MONOTONIC, the clock V8 stamps profile samples with (base::TimeTicks),
 * so the runner can mark windows in another process's profile.
 */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, child: ChildHandle, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.child.exitCode !== null || child.child.signalCode !== null) {
      throw new Error(
        `pigeon start exited (${child.child.exitCode ?? child.child.signalCode}): ${child.stderrTail()}`,
      );
    }
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.status === 200) {
        return;
      }
      last = `${res.status} ${await res.text()}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`platform not ready within ${timeoutMs} ms: ${last}; ${child.stderrTail()}`);
}

interface Envelope {
  data?: unknown;
  raw?: string;
}

async function json(res: Response): Promise<Envelope> {
  const text = await res.text();
  try {
    return JSON.parse(text) as Envelope;
  } catch {
    return { raw: text };
  }
}

/** `pigeon simulate smsc --instant` in its own process: acks at once, receipts at once. */
export async function startSmscSimulator(signal: AbortSignal): Promise<{ smsc: ChildHandle; port: number }> {
  const smsc = spawnScript(
    PIGEON_BIN,
    [
      'simulate',
      'smsc',
      '--port',
      '0',
      '--instant',
      '--system-id',
      SMSC_SYSTEM_ID,
      '--password',
      SMSC_PASSWORD,
      '--stats-interval-s',
      '1',
    ],
    { signal, cwd: REPO_ROOT, tsx: false },
  );
  const port = Number((await smsc.waitForLine(/listening on [\d.]+:(\d+)/, 30_000))[1]);
  return { smsc, port };
}

export const SMSC_CREDENTIALS = { systemId: SMSC_SYSTEM_ID, password: SMSC_PASSWORD };

export async function startPlatform(opts: PlatformOptions): Promise<Platform> {
  const { smsc, port: smscPort } = await startSmscSimulator(opts.signal);
  const dataDir = join(opts.workDir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const seedConfig: SeedConfig = {
    dataDir,
    smscPort,
    smscSystemId: SMSC_SYSTEM_ID,
    smscPassword: SMSC_PASSWORD,
    windowSize: opts.windowSize ?? 200,
    adminUsername: ADMIN_USERNAME,
    adminPassword: ADMIN_PASSWORD,
  };
  const seed = await runWorker<SeedResult>('seed.ts', seedConfig, { timeoutMs: 60_000, signal: opts.signal });
  opts.log(`seeded ${dataDir} in ${seed.seedMs} ms; SMSC simulator pid ${smsc.pid} on port ${smscPort}`);

  const port = await freePort();
  const nodeArgs: string[] = [];
  let profileDir: string | null = null;
  if (platformOptions.profile) {
    // One directory per run of the platform: V8 writes a profile per thread (tsx's loader
    // thread too); the main thread's is the largest.
    profileDir = join(PROFILE_DIR, `${opts.name}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    mkdirSync(profileDir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`);
  }
  let sqlTrace: string | null = null;
  if (platformOptions.traceSql) {
    mkdirSync(SQL_TRACE_DIR, { recursive: true });
    sqlTrace = join(SQL_TRACE_DIR, `${opts.name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    nodeArgs.push('--import', SQL_TRACE_PRELOAD);
  }
  const child = spawnScript(PIGEON_BIN, ['start'], {
    signal: opts.signal,
    cwd: REPO_ROOT,
    tsx: false,
    nodeArgs,
    env: {
      PIGEON_DATA_DIR: dataDir,
      PIGEON_HOST: '127.0.0.1',
      PIGEON_PORT: String(port),
      PIGEON_LOG_LEVEL: 'warn',
      PIGEON_DEMO: 'false',
      PIGEON_SMPP_PORT: '0',
      PIGEON_ACCESS_TOKEN_TTL: '86400',
      PIGEON_DATABASE_URL: '',
      ...(sqlTrace !== null ? { BENCH_SQL_TRACE: sqlTrace } : {}),
      ...opts.env,
    },
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitReady(baseUrl, child, 60_000);
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: ADMIN_USERNAME, password: ADMIN_PASSWORD }),
  });
  if (login.status !== 200) {
    throw new Error(`admin login failed: ${login.status} ${JSON.stringify(await json(login))}`);
  }
  const session = (await json(login)).data as { accessToken: string };
  const adminAuthorization = `Bearer ${session.accessToken}`;
  opts.log(`platform pid ${child.pid} ready on ${baseUrl}${platformOptions.profile ? ' (profiling)' : ''}`);

  const dbFile = join(dataDir, 'pigeon.db');
  const windows: { label: string; startUs: number; endUs: number }[] = [];
  let reader: Database.Database | null = null;
  const queueAction = async (action: 'pause' | 'resume'): Promise<void> => {
    const res = await fetch(`${baseUrl}/api/v1/delivery/queues/${seed.providerId}/${action}`, {
      method: 'POST',
      headers: { authorization: adminAuthorization },
    });
    if (res.status !== 200) {
      throw new Error(`${action} of the queue failed: ${res.status} ${JSON.stringify(await json(res))}`);
    }
  };
  return {
    pid: child.pid,
    baseUrl,
    apiKey: seed.apiKey,
    providerId: seed.providerId,
    sendingAccountId: seed.sendingAccountId,
    adminAuthorization,
    dbFile,
    smsc,
    smscPort,
    child,
    db() {
      reader ??= new Database(dbFile, { readonly: true, fileMustExist: true });
      return reader;
    },
    smscCounters() {
      const line = smsc.latestLine(/^(\{.*"submits".*\})$/);
      return line === null ? null : (JSON.parse(line[1] as string) as SmscCounters);
    },
    pauseQueue: () => queueAction('pause'),
    resumeQueue: () => queueAction('resume'),
    async queueState() {
      const res = await fetch(`${baseUrl}/api/v1/delivery/queues`, {
        headers: { authorization: adminAuthorization },
      });
      const rows = ((await json(res)).data ?? []) as Array<Record<string, unknown>>;
      const mine = rows.find((q) => q.providerId === seed.providerId) ?? {};
      const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
      return { queued: num(mine.queued), inflight: num(mine.inflight), raw: mine };
    },
    markWindow(label, since) {
      if (profileDir !== null) {
        windows.push({ label, startUs: since, endUs: monotonicMicros() });
        writeFileSync(join(profileDir, 'windows.json'), `${JSON.stringify(windows, null, 2)}\n`);
      }
    },
    traceMark() {
      if (sqlTrace !== null) {
        process.kill(child.pid, 'SIGUSR2');
      }
    },
    async stop() {
      reader?.close();
      reader = null;
      // A profiled child writes its profile on a clean exit: give it time.
      await child.stop(platformOptions.profile ? 30_000 : 5000);
      await smsc.stop();
      if (sqlTrace !== null) {
        opts.log(`SQL statements counted in ${sqlTrace}`);
      }
      if (profileDir !== null) {
        opts.log(`CPU profile in ${profileDir} (npm run profile:summary -w bench -- ${profileDir})`);
      }
    },
  };
}
