// The `pigeon` CLI as a user runs it: migrate, admin create, admin reset-password, --help.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');

describe('pigeon CLI (SPEC §2)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-cli-'));
  const env = { ...process.env, PIGEON_DATA_DIR: dataDir, PIGEON_SMPP_PORT: '0', PIGEON_LOG_LEVEL: 'warn' };
  const pigeon = (...args: string[]) =>
    spawnSync(process.execPath, [path.join(ROOT, 'server/bin/pigeon.mjs'), ...args], {
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('prints help for each command', () => {
    for (const args of [
      ['--help'],
      ['start', '--help'],
      ['migrate', '--help'],
      ['admin', 'create', '--help'],
      ['admin', 'reset-password', '--help'],
    ]) {
      const r = pigeon(...args);
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.stdout).toContain('Usage: pigeon');
    }
  }, 120_000);

  it('migrates, creates an admin and resets its password', async () => {
    const m = pigeon('migrate');
    expect(m.status).toBe(0);
    expect(m.stdout).toMatch(/applied: .*foundation/);
    expect(pigeon('migrate').stdout).toContain('database is up to date');

    const c = pigeon('admin', 'create', '--username', 'ops', '--password', 'Strong-secret-1');
    expect(c.status, c.stderr).toBe(0);
    expect(c.stdout).toContain('created platform admin "ops"');
    const dup = pigeon('admin', 'create', '--username', 'ops', '--password', 'Strong-secret-1');
    expect(dup.status).toBe(1);
    expect(dup.stderr.trim()).toBe('pigeon: The username "ops" is already taken');
    const weak = pigeon('admin', 'create', '--username', 'ops2', '--password', 'ops2-password');
    expect(weak.stderr.trim()).toBe('pigeon: Validation failed: password must not contain the username');

    const r = pigeon('admin', 'reset-password', '--username', 'ops');
    expect(r.status, r.stderr).toBe(0);
    const generated = /new password: (\S+)/.exec(r.stdout)?.[1];
    expect(generated).toBeTruthy();

    const app = await buildApp({
      config: loadConfig({ PIGEON_DATA_DIR: dataDir, PIGEON_LOG_LEVEL: 'silent' }),
      logger: pino({ level: 'silent' }),
      serveWeb: false,
    });
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'ops', password: generated },
      });
      expect(res.statusCode).toBe(200);
      const me = await app.services.identity.users.countUsers();
      expect(me).toBe(1);
    } finally {
      await app.close();
    }
  }, 120_000);
});
