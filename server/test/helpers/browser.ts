// Console tests in a real browser (ARCHITECTURE §7): Debian's Chromium driven by
// playwright-core, against the real server serving the built console from web/dist.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import type { Config } from '../../src/config.js';
import { createTestApp, type TestApp } from './app.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const WEB_DIST = path.join(repoRoot, 'web/dist');

/** Launches headless Chromium; throws (never skips) when it is not installed. */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. Browser tests drive Debian's Chromium: ` +
        'run `apt-get install -y chromium` (as root), then rerun the tests.',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-gpu',
      '--no-first-run',
    ],
  });
}

/**
 * Builds the console when web/dist is missing or older than its sources (the same check
 * `npm start` and `npm test` make), so a browser test never runs against a stale build.
 */
export function ensureConsoleBuild(): void {
  // Vitest sets NODE_ENV=test, which would give Vite a development-flavoured bundle.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => key !== 'NODE_ENV' && !key.startsWith('VITEST')),
  );
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts/web-build.mjs')], {
    cwd: repoRoot,
    stdio: 'inherit',
    env,
  });
  if (r.status !== 0 || !fs.existsSync(path.join(WEB_DIST, 'index.html'))) {
    throw new Error(`building the console failed; run \`npm run build -w web\` to see why`);
  }
}

export interface ConsoleServer {
  /** e.g. http://127.0.0.1:41234 — no trailing slash. */
  baseUrl: string;
  app: TestApp;
  close(): Promise<void>;
}

/** The real app on a fresh database, serving web/dist, listening on a free local port. */
export async function startConsoleServer(
  opts: { config?: Partial<Config>; db?: 'default' | 'sqlite' | 'postgres' } = {},
): Promise<ConsoleServer> {
  ensureConsoleBuild();
  const app = await createTestApp({
    db: opts.db,
    serveWeb: true,
    config: { webDist: WEB_DIST, ...opts.config },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    app,
    close: () => app.close(),
  };
}
