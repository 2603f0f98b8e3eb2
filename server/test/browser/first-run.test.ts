// The first run as a newcomer lives it (SPEC §2, UI-1, UI-3, UI-4, ST-1): `pigeon start` on a
// fresh data directory as a real process, sign in with the printed password, see the demo
// banner, send a test SMS from the console, watch it reach `delivered` on the message page, and
// watch the dashboard's counters move in another tab — without reloading either page. (The
// printed curl is run as printed by test/e2e/demo.test.ts.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureConsoleBuild, launchBrowser } from '../helpers/browser.js';
import { parseBanner, startPlatform, waitFor, type RunningPlatform } from '../helpers/platform.js';

let platform: RunningPlatform;
let browser: Browser;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-first-run-'));

beforeAll(async () => {
  ensureConsoleBuild();
  platform = await startPlatform({ dataDir });
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function statistic(page: Page, testId: string): Promise<number> {
  const text = await page.getByTestId(testId).locator('.ant-statistic-content-value').innerText();
  return Number(text.replace(/[^\d.]/g, ''));
}

/** Marks the page; a reload would lose the mark. */
async function mark(page: Page): Promise<void> {
  // A string, as the server's TypeScript has no DOM types.
  await page.evaluate('window.__noReload = true');
}

async function notReloaded(page: Page): Promise<boolean> {
  return (await page.evaluate('window.__noReload === true')) === true;
}

describe('SPEC §2 first run in a browser', () => {
  it('signs in with the printed password, sends an SMS and watches it delivered and counted live', async () => {
    const { password } = parseBanner(platform.banner);
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } });
    try {
      const dashboard = await context.newPage();
      await dashboard.goto(`${platform.baseUrl}/login`);
      await dashboard.locator('input[autocomplete="username"]').fill('admin');
      await dashboard.locator('input[autocomplete="current-password"]').fill(password);
      await dashboard.getByTestId('login-submit').click();
      await dashboard.getByTestId('side-menu').waitFor();
      await dashboard.getByTestId('demo-banner').waitFor();

      // The dashboard: the demo providers' tiles, live connection, nothing sent yet.
      await dashboard.getByTestId('dashboard').waitFor();
      await dashboard.getByTestId('dashboard-live').getByText('Live').waitFor({ timeout: 15_000 });
      expect(await statistic(dashboard, 'dashboard-sent')).toBe(0);
      expect(await statistic(dashboard, 'dashboard-delivered')).toBe(0);
      await waitFor(
        async () => ((await dashboard.getByTestId('provider-tile').count()) >= 2 ? true : undefined),
        15_000,
        'the provider tiles',
      );
      await mark(dashboard);

      // Send from the console's "send test message" page; it opens the message page.
      const sender = await context.newPage();
      await sender.goto(`${platform.baseUrl}/messages/send`);
      await sender.getByTestId('send-submit').waitFor({ timeout: 15_000 });
      // Staff pick the enterprise first; its first active sending account is then chosen.
      await sender.getByTestId('send-enterprise').click();
      await sender.locator('.ant-select-item-option', { hasText: 'Demo Ltd' }).click();
      await sender
        .getByTestId('send-account')
        .locator('.ant-select-selection-item')
        .getByText('demo')
        .waitFor({ timeout: 10_000 });
      await sender.getByTestId('send-to').fill('+447912345678');
      await sender.getByTestId('send-text').fill('Hello from the first-run test');
      await sender.getByTestId('send-submit').click();
      await sender.waitForURL(/\/messages\/[0-9a-f-]{36}$/, { timeout: 15_000 });
      const messageId = /\/messages\/([0-9a-f-]{36})$/.exec(sender.url())![1]!;

      // The message page follows it to "delivered" without a reload.
      await mark(sender);
      await sender
        .getByText(/delivered/i)
        .first()
        .waitFor({ timeout: 30_000 });
      expect(await notReloaded(sender)).toBe(true);

      // The dashboard in the other tab counted it, live.
      await waitFor(
        async () => ((await statistic(dashboard, 'dashboard-delivered')) >= 1 ? true : undefined),
        30_000,
        'the dashboard to count the delivery',
      );
      expect(await statistic(dashboard, 'dashboard-sent')).toBeGreaterThanOrEqual(1);
      expect(await dashboard.getByTestId('dashboard-success-rate').innerText()).toContain('100.0%');
      expect(await notReloaded(dashboard)).toBe(true);

      // And the API agrees.
      const { apiKey } = parseBanner(platform.banner);
      const res = await fetch(`${platform.baseUrl}/api/v1/messages/${messageId}`, {
        headers: { 'x-api-key': apiKey! },
      });
      expect(((await res.json()) as { data: { status: string } }).data.status).toBe('delivered');
    } finally {
      await context.close();
    }
  }, 180_000);

  it('shows the dashboard in Chinese too', async () => {
    const { password } = parseBanner(platform.banner);
    const context = await browser.newContext({ locale: 'zh-CN' });
    try {
      const page = await context.newPage();
      await page.goto(`${platform.baseUrl}/login`);
      await page.evaluate("localStorage.setItem('pigeon.locale', 'zh-CN')");
      await page.reload();
      await page.locator('input[autocomplete="username"]').fill('admin');
      await page.locator('input[autocomplete="current-password"]').fill(password);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('dashboard').waitFor();
      await page.getByText('失败原因（最近一小时）').waitFor();
      await page.getByTestId('dashboard-live').getByText('实时').waitFor({ timeout: 15_000 });
    } finally {
      await context.close();
    }
  }, 60_000);
});
