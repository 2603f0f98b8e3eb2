import { defineConfig } from 'vitest/config';

// The server's test tiers (ARCHITECTURE §7). The root vitest.config.ts runs them as Vitest
// projects with these settings:
// - `server`: unit and module tests (in-process app, real SQLite/PostgreSQL, real loopback peers);
//   part of `npm test`.
// - `e2e`: real `pigeon` processes, kill -9, the CLI; part of `npm run test:all` and CI.
// - `browser`: the console in Debian's Chromium; part of `npm run test:all` and CI.
export const serverTest = {
  root: import.meta.dirname,
  environment: 'node' as const,
  pool: 'forks' as const,
  testTimeout: 30_000,
  hookTimeout: 60_000,
  env: { TZ: 'UTC', PIGEON_LOG_LEVEL: 'silent' },
};

export const TIERS = {
  server: ['src/**/*.test.ts', 'test/*.test.ts', 'migrations/**/*.test.ts'],
  e2e: ['test/e2e/**/*.test.ts'],
  browser: ['test/browser/**/*.test.ts'],
};

// `vitest run` inside server/: the default tier.
export default defineConfig({ test: { ...serverTest, name: 'server', include: TIERS.server } });
