import { defineConfig } from 'vitest/config';
import { serverTest, TIERS } from './server/vitest.config.ts';

// Every package's tests as Vitest projects. `npm test` runs `server` and `web` (unit and module
// tests); `npm run test:all` adds `e2e` and `browser` (server/vitest.config.ts). In CI a JSON
// report is written for `.ci/run` to count passes and failures.
export default defineConfig({
  test: {
    projects: [
      { test: { ...serverTest, name: 'server', include: TIERS.server } },
      { test: { ...serverTest, name: 'e2e', include: TIERS.e2e } },
      { test: { ...serverTest, name: 'browser', include: TIERS.browser } },
      'web/vitest.config.ts',
    ],
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: process.env.CI ? { json: '.pigeon-test/report.json' } : undefined,
  },
});
