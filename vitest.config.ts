import { defineConfig } from 'vitest/config';

// One run over every package's tests: `npm test` at the root. In CI a JSON report is
// written for `.ci/run` to count passes and failures.
export default defineConfig({
  test: {
    projects: ['server/vitest.config.ts', 'web/vitest.config.ts'],
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: process.env.CI ? { json: '.pigeon-test/report.json' } : undefined,
  },
});
