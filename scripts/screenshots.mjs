// Screenshots for the README: the dashboard and a message's timeline in English and Chinese,
// taken from a real first run (fresh data directory, demo mode) with Debian's Chromium.
//
//   node scripts/screenshots.mjs            # writes docs/images/{dashboard,message,outbox}-{en-US,zh-CN}.png
//
// Not a test: it only produces images. It builds the console if stale, starts `pigeon start`
// on a temporary data directory and a free port, sends some SMS and an e-mail with the demo
// key, waits for them to be delivered, and photographs the pages.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { ensureWebBuild } from './web-build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'docs/images');
const CHROMIUM = '/usr/bin/chromium';
const LOCALES = ['en-US', 'zh-CN'];

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitFor(fn, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) {
      return v;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Chinese pages need a CJK font, or Chromium draws boxes: install Debian's Noto CJK when missing. */
function ensureCjkFont() {
  if (spawnSync('dpkg', ['-s', 'fonts-noto-cjk'], { stdio: 'ignore' }).status === 0) {
    return;
  }
  process.stdout.write('installing fonts-noto-cjk (Chinese screenshots need it)\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install = spawnSync('apt-get', ['install', '-y', '-qq', 'fonts-noto-cjk'], { stdio: 'inherit', env });
  if (update.status !== 0 || install.status !== 0) {
    throw new Error(
      'fonts-noto-cjk is missing and could not be installed: apt-get install -y fonts-noto-cjk',
    );
  }
}

async function main() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
  }
  ensureCjkFont();
  ensureWebBuild();
  fs.mkdirSync(outDir, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-screenshots-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let out = '';
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PIGEON_')));
  const child = spawn(process.execPath, [path.join(root, 'server/bin/pigeon.mjs'), 'start'], {
    cwd: root,
    env: {
      ...env,
      PIGEON_PORT: String(port),
      PIGEON_HOST: '127.0.0.1',
      PIGEON_DATA_DIR: dataDir,
      PIGEON_SMPP_PORT: '0',
      PIGEON_LOG_LEVEL: 'warn',
    },
  });
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  let browser;
  try {
    await waitFor(() => (out.includes('Pigeon is running.') ? true : undefined), 90_000, 'pigeon start');
    const password = /Admin login: admin \/ (\S+)/.exec(out)?.[1];
    const apiKey = /Demo API key: (pgn_\S+)/.exec(out)?.[1];
    if (!password || !apiKey) {
      throw new Error(`the start banner has no password or demo key:\n${out}`);
    }

    // Traffic: a few SMS to several countries and an e-mail, all waited for.
    const send = async (body) => {
      const res = await fetch(`${base}/api/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = await res.json();
      if (res.status !== 201) {
        throw new Error(`send failed: ${JSON.stringify(json)}`);
      }
      return json.data.id;
    };
    const ids = [];
    const numbers = ['+447912345678', '+14155550123', '+4915123456789', '+8613800138000', '+33612345678'];
    for (let i = 0; i < 24; i++) {
      ids.push(
        await send({
          channel: 'sms',
          to: numbers[i % numbers.length],
          from: 'Pigeon',
          text: `Your code is ${1000 + i}`,
        }),
      );
    }
    ids.push(
      await send({
        channel: 'email',
        to: 'someone@example.com',
        from: 'demo@pigeon.local',
        subject: 'Welcome',
        text: 'Hello from Pigeon',
      }),
    );
    const statusOf = async (id) =>
      (await (await fetch(`${base}/api/v1/messages/${id}`, { headers: { 'x-api-key': apiKey } })).json()).data
        .status;
    await waitFor(
      async () =>
        (await Promise.all(ids.map(statusOf))).every((s) => s === 'delivered' || s === 'sent')
          ? true
          : undefined,
      60_000,
      'the messages to be delivered',
    );

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu'],
    });
    for (const locale of LOCALES) {
      const context = await browser.newContext({
        locale,
        viewport: { width: 1440, height: 1000 },
        deviceScaleFactor: 1,
      });
      const page = await context.newPage();
      await page.goto(`${base}/login`);
      await page.evaluate((l) => localStorage.setItem('pigeon.locale', l), locale);
      await page.reload();
      await page.locator('input[autocomplete="username"]').fill('admin');
      await page.locator('input[autocomplete="current-password"]').fill(password);
      await page.getByTestId('login-submit').click();
      await page
        .getByTestId('dashboard')
        .waitFor({ timeout: 60_000 })
        .catch(async (err) => {
          await page.screenshot({ path: path.join(os.tmpdir(), `pigeon-screenshots-failed-${locale}.png`) });
          throw err;
        });
      await page.getByTestId('provider-tile').first().waitFor();
      await page.waitForTimeout(1500); // chart animation
      await page.screenshot({ path: path.join(outDir, `dashboard-${locale}.png`), fullPage: true });
      process.stdout.write(`wrote docs/images/dashboard-${locale}.png\n`);

      await page.goto(`${base}/messages/${ids[0]}`);
      const missing = await page
        .getByTestId('not-found')
        .waitFor({ timeout: 3000 })
        .then(() => true)
        .catch(() => false);
      if (missing) {
        process.stderr.write(`no message page at /messages/:id yet; skipped message-${locale}.png\n`);
      } else {
        await page.waitForTimeout(1500);
        await page.screenshot({ path: path.join(outDir, `message-${locale}.png`), fullPage: true });
        process.stdout.write(`wrote docs/images/message-${locale}.png\n`);
      }

      // A list page: filters, the table and its pager, state in the URL.
      await page.goto(`${base}/messages/outbox?status=delivered`);
      await page.getByTestId('outbox-table').locator('tbody tr.ant-table-row').first().waitFor();
      await page.screenshot({ path: path.join(outDir, `outbox-${locale}.png`), fullPage: true });
      process.stdout.write(`wrote docs/images/outbox-${locale}.png\n`);
      await context.close();
    }
  } finally {
    await browser?.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`screenshots: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
