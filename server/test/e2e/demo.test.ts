// Demo mode and `pigeon send` as a newcomer meets them (SPEC §2): `pigeon start` on a fresh
// data directory seeds the demo tenant and starts the simulators, the printed curl sends an SMS
// exactly as printed, `pigeon send --wait` follows a message to `delivered`, a later start
// brings the simulators back, and PIGEON_DEMO=false switches demo mode off.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  parseBanner,
  PIGEON_BIN,
  REPO_ROOT,
  startPlatform,
  waitFor,
  type RunningPlatform,
} from '../helpers/platform.js';

const run = promisify(execFile);

interface Envelope<T = Record<string, unknown>> {
  code: number | string;
  data: T;
}

/** Runs `pigeon send …` as a child process with the given environment. */
function pigeonSend(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [PIGEON_BIN, 'send', ...args], {
      cwd: REPO_ROOT,
      env: {
        ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PIGEON_'))),
        ...env,
      },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

async function messageStatus(base: string, key: string, id: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/messages/${id}`, { headers: { 'x-api-key': key } });
  const body = (await res.json()) as Envelope<{ status: string }>;
  return body.data.status;
}

describe('SPEC §2 demo mode and pigeon send', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-demo-'));
  let platform: RunningPlatform | undefined;
  afterAll(async () => {
    await platform?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('seeds a demo tenant on a fresh data directory and its printed curl sends an SMS as printed', async () => {
    platform = await startPlatform({ dataDir });
    const { password, apiKey, curl } = parseBanner(platform.banner);
    expect(password.length).toBeGreaterThanOrEqual(12);
    expect(apiKey).toMatch(/^pgn_/);
    expect(platform.banner).toMatch(
      /Demo mode: SMSC simulator on 127\.0\.0\.1:\d+, SMTP sink on 127\.0\.0\.1:\d+/,
    );
    expect(curl).toContain(`${platform.baseUrl}/api/v1/messages`);

    const info = (await (await fetch(`${platform.baseUrl}/api/v1/system/info`)).json()) as Envelope<{
      demo: boolean;
    }>;
    expect(info.data.demo).toBe(true);

    // Exactly as printed, through a shell, as a person pasting it would.
    const { stdout } = await run('sh', ['-c', curl!], { timeout: 30_000 });
    const sent = JSON.parse(stdout) as Envelope<{ id: string; status: string }>;
    expect(sent.code).toBe(201);
    expect(sent.data.id).toMatch(/^[0-9a-f-]{36}$/);
    const final = await waitFor(
      async () => {
        const s = await messageStatus(platform!.baseUrl, apiKey!, sent.data.id);
        return s === 'delivered' || s === 'failed' || s === 'undelivered' ? s : undefined;
      },
      30_000,
      'the curl message to reach a final state',
    );
    expect(final).toBe('delivered');
  }, 150_000);

  it('pigeon send --wait prints the id and follows the message to delivered', async () => {
    const { apiKey } = parseBanner(platform!.banner);
    const env = { PIGEON_API_KEY: apiKey!, PIGEON_URL: platform!.baseUrl };
    const r = await pigeonSend(['--to', '+447912345679', '--text', 'Hello from the CLI', '--wait'], env);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    const id = lines[0]!.split(' ')[0]!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.at(-1)).toBe(`${id} delivered`);
    expect(await messageStatus(platform!.baseUrl, apiKey!, id)).toBe('delivered');

    // An e-mail to the SMTP sink, and clear errors for bad input and a missing key.
    const mail = await pigeonSend(
      [
        '--channel',
        'email',
        '--to',
        'someone@example.com',
        '--from',
        'demo@pigeon.local',
        '--subject',
        'Hi',
        '--text',
        'Hello',
        '--wait',
      ],
      env,
    );
    expect(mail.code, mail.err).toBe(0);
    expect(mail.out.trim().split('\n').at(-1)).toMatch(/ delivered$| sent$/);
    const bad = await pigeonSend(['--to', 'not-a-number', '--text', 'x'], env);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^pigeon send: not sent: VALIDATION_FAILED/);
    const noKey = await pigeonSend(['--to', '+447912345679', '--text', 'x'], {
      PIGEON_URL: platform!.baseUrl,
    });
    expect(noKey.code).toBe(2);
    expect(noKey.err).toContain('PIGEON_API_KEY');
  }, 120_000);

  it('starts the simulators again on a later start, and PIGEON_DEMO=false turns demo mode off', async () => {
    const { apiKey } = parseBanner(platform!.banner);
    await platform!.stop();
    platform = await startPlatform({ dataDir });
    expect(platform.banner).not.toContain('Admin login');
    expect(platform.banner).toContain(`Demo API key: ${apiKey!.slice(0, 8)}`);
    expect(platform.banner).not.toContain(apiKey!);
    const r = await pigeonSend(['--to', '+447912345680', '--text', 'Again', '--wait'], {
      PIGEON_API_KEY: apiKey!,
      PIGEON_URL: platform.baseUrl,
    });
    expect(r.code, r.err).toBe(0);
    expect(r.out.trim().split('\n').at(-1)).toMatch(/ delivered$/);
    await platform.stop();

    platform = await startPlatform({ dataDir, env: { PIGEON_DEMO: 'false' } });
    expect(platform.banner).not.toContain('Demo mode');
    const info = (await (await fetch(`${platform.baseUrl}/api/v1/system/info`)).json()) as Envelope<{
      demo: boolean;
    }>;
    expect(info.data.demo).toBe(false);
  }, 180_000);
});
