// `pigeon start` as a real child process (SPEC §2), for first-run and demo tests: spawns it on
// a data directory and a free port, waits until it answers, and reads its start banner.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const PIGEON_BIN = path.join(REPO_ROOT, 'server/bin/pigeon.mjs');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export async function waitFor<T>(
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
  what = 'a condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) {
      return v;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface RunningPlatform {
  child: ChildProcess;
  baseUrl: string;
  port: number;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** The start banner's lines, once printed. */
  banner: string;
  stop(): Promise<void>;
}

/** Starts `pigeon start` and resolves once the banner is printed and /readyz answers. */
export async function startPlatform(opts: {
  dataDir: string;
  env?: Record<string, string>;
  port?: number;
}): Promise<RunningPlatform> {
  const port = opts.port ?? (await freePort());
  let out = '';
  const child = spawn(process.execPath, [PIGEON_BIN, 'start'], {
    cwd: REPO_ROOT,
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PIGEON_'))),
      PIGEON_PORT: String(port),
      PIGEON_HOST: '127.0.0.1',
      PIGEON_DATA_DIR: opts.dataDir,
      PIGEON_SMPP_PORT: '0',
      PIGEON_LOG_LEVEL: 'warn',
      ...opts.env,
    },
  });
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitFor(
    () => {
      if (child.exitCode !== null) {
        throw new Error(`pigeon start exited with ${child.exitCode}:\n${out}`);
      }
      return out.includes('Pigeon is running.') ? true : undefined;
    },
    90_000,
    'the start banner',
  );
  await waitFor(
    async () => ((await fetch(`${baseUrl}/readyz`).catch(() => null))?.ok ? true : undefined),
    30_000,
    '/readyz',
  );
  const banner = out.slice(out.indexOf('Pigeon is running.'));
  return {
    child,
    baseUrl,
    port,
    output: () => out,
    banner,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** What the first start of a demo data directory prints. */
export function parseBanner(banner: string): {
  password: string;
  apiKey: string | null;
  curl: string | null;
} {
  const password = /Admin login: admin \/ (\S+)/.exec(banner)?.[1];
  if (!password) {
    throw new Error(`no admin password in the banner:\n${banner}`);
  }
  const apiKey = /Demo API key: (pgn_\S+)/.exec(banner)?.[1] ?? null;
  const curl = /^\s*(curl .*)$/m.exec(banner)?.[1] ?? null;
  return { password, apiKey, curl };
}
