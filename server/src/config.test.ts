import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, settingsTable } from './config.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('configuration (SPEC §2)', () => {
  it('has a default for every setting', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBe(`sqlite:${path.join('./data', 'pigeon.db')}`);
    expect(c.logLevel).toBe('info');
  });

  it.each([
    [{ PIGEON_PORT: 'abc' }, 'PIGEON_PORT', 'must be a whole number, got "abc"'],
    [{ PIGEON_PORT: '70000' }, 'PIGEON_PORT', 'must be between 0 and 65535, got 70000'],
    [
      { PIGEON_LOG_LEVEL: 'loud' },
      'PIGEON_LOG_LEVEL',
      'must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ],
    [
      { PIGEON_DATABASE_URL: 'mysql://x' },
      'PIGEON_DATABASE_URL',
      'must start with postgres://, postgresql:// or sqlite:, got "mysql://x"',
    ],
    [
      { PIGEON_PROT: '80' },
      'PIGEON_PROT',
      'is not a known setting (see the configuration table in the README)',
    ],
  ])('rejects %j naming the setting and the reason', (env, setting, reason) => {
    try {
      loadConfig(env);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).setting).toBe(setting);
      expect((err as ConfigError).reason).toBe(reason);
    }
  });

  it('keeps the README configuration table true to config.ts', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(settingsTable());
  });

  it('stops `pigeon start` with one line naming a bad setting', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'server/bin/pigeon.mjs'), 'start'], {
      env: { ...process.env, PIGEON_PORT: 'abc' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(
      'pigeon: configuration error: PIGEON_PORT: must be a whole number, got "abc"',
    );
  });
});
