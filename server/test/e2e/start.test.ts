// `pigeon start` as a real process on a fresh data directory: prints the console URL and the
// generated admin password, the password signs in, and SIGTERM shuts down cleanly while a
// request is in flight.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitFor<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) {
      return v;
    }
    if (Date.now() > deadline) {
      throw new Error('timed out');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('pigeon start (SPEC §2)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-start-'));
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts on a fresh data directory, prints the admin password, and shuts down gracefully', async () => {
    const port = await freePort();
    let out = '';
    child = spawn(process.execPath, [path.join(ROOT, 'server/bin/pigeon.mjs'), 'start'], {
      env: {
        ...process.env,
        PIGEON_PORT: String(port),
        PIGEON_HOST: '127.0.0.1',
        PIGEON_DATA_DIR: dataDir,
        PIGEON_SMPP_PORT: '0',
        PIGEON_LOG_LEVEL: 'warn',
      },
    });
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const password = await waitFor(() => /Admin login: admin \/ (\S+)/.exec(out)?.[1]);
    expect(out).toContain(`Console:  http://127.0.0.1:${port}/`);
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => ((await fetch(`${base}/readyz`).catch(() => null))?.ok ? true : undefined));

    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    expect(login.status).toBe(200);
    const docs = await fetch(`${base}/api/docs/`);
    expect(docs.status).toBe(200);

    // An in-flight request finishes after SIGTERM; then the process exits 0.
    const inFlight = fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    await new Promise((r) => setTimeout(r, 5));
    const exited = new Promise<number | null>((resolve) => child?.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect((await inFlight).status).toBe(200);
    expect(await exited).toBe(0);

    // A second start of the same data directory prints no new password.
    out = '';
    child = spawn(process.execPath, [path.join(ROOT, 'server/bin/pigeon.mjs'), 'start'], {
      env: {
        ...process.env,
        PIGEON_PORT: String(port),
        PIGEON_HOST: '127.0.0.1',
        PIGEON_DATA_DIR: dataDir,
        PIGEON_SMPP_PORT: '0',
        PIGEON_LOG_LEVEL: 'warn',
      },
    });
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(() => (out.includes('Pigeon is running') ? true : undefined));
    expect(out).not.toContain('Admin login');
    const again = new Promise((resolve) => child?.on('exit', resolve));
    child.kill('SIGTERM');
    await again;
  }, 60_000);
});
