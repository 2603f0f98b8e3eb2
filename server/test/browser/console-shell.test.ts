// The console shell in Chromium against the real server: the login page in both languages
// and history-mode deep links. No part of the server is mocked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, startConsoleServer, type ConsoleServer } from '../helpers/browser.js';
import { signInAdmin } from '../helpers/identity.js';

let server: ConsoleServer;
let browser: Browser;

beforeAll(async () => {
  server = await startConsoleServer();
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function freshPage(): Promise<{ context: BrowserContext; page: Page }> {
  // A new context is a new profile: no saved language, no session.
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  return { context, page };
}

async function textOf(page: Page, testId: string): Promise<string> {
  return (await page.getByTestId(testId).innerText()).trim();
}

async function chooseLanguage(page: Page, name: '中文' | 'English'): Promise<void> {
  await page.getByTestId('language-switch').click();
  await page.getByRole('menuitem', { name }).click();
}

describe('console shell in a browser', () => {
  it('sends a visitor at the root to the login page', async () => {
    const { context, page } = await freshPage();
    try {
      await page.goto(`${server.baseUrl}/`);
      await page.waitForURL((url) => url.pathname === '/login');
      await page.getByTestId('login-title').waitFor();
      expect(await textOf(page, 'login-title')).toBe('Sign in to your account');
      expect(await page.title()).toBe('Sign in · Pigeon');
    } finally {
      await context.close();
    }
  });

  it('switches the login page between Chinese and English and remembers the choice', async () => {
    const { context, page } = await freshPage();
    try {
      await page.goto(`${server.baseUrl}/login`);
      await page.getByTestId('login-title').waitFor();
      expect(await textOf(page, 'login-title')).toBe('Sign in to your account');
      expect(await textOf(page, 'login-submit')).toBe('Sign in');

      await chooseLanguage(page, '中文');
      await page.getByText('登录您的账号').waitFor();
      expect(await textOf(page, 'login-submit')).toBe('登录');
      expect(await textOf(page, 'login-subtitle')).toBe('多渠道消息平台');
      expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');

      // After a reload the choice holds, and API calls ask for Chinese.
      const infoRequest = page.waitForRequest((r) => r.url().endsWith('/api/v1/system/info'));
      await page.reload();
      expect((await infoRequest).headers()['accept-language']).toBe('zh-CN');
      await page.getByText('登录您的账号').waitFor();

      await chooseLanguage(page, 'English');
      await page.getByText('Sign in to your account').waitFor();
      expect(await textOf(page, 'login-subtitle')).toBe('Multi-channel messaging platform');
    } finally {
      await context.close();
    }
  });

  it("shows the console's 404 page for an unknown deep link", async () => {
    const { context, page } = await freshPage();
    try {
      const response = await page.goto(`${server.baseUrl}/no/such/page`);
      expect(response?.headers()['content-type']).toContain('text/html');
      await page.getByTestId('not-found').waitFor();
      expect(await page.getByTestId('not-found').innerText()).toContain('Page not found');
      expect(new URL(page.url()).pathname).toBe('/no/such/page');
    } finally {
      await context.close();
    }
  });

  it('relabels the side menu when the signed-in user switches language', async () => {
    const admin = await signInAdmin(server.app);
    const { context, page } = await freshPage();
    try {
      await page.goto(`${server.baseUrl}/login`);
      await page.locator('input[autocomplete="username"]').fill(admin.username);
      await page.locator('input[autocomplete="current-password"]').fill(admin.password);
      await page.getByTestId('login-submit').click();
      const menu = page.getByTestId('side-menu');
      await menu.waitFor();
      await menu.getByText('Identity & access').waitFor();
      const english = await menu.innerText();
      expect(english).toContain('Dashboard');
      expect(english).toContain('Audit');

      await chooseLanguage(page, '中文');
      await menu.getByText('身份与权限').waitFor();
      const chinese = await menu.innerText();
      expect(chinese).toContain('审计');
      expect(chinese).not.toContain('Identity & access');
      expect(chinese).not.toContain('Dashboard');

      await chooseLanguage(page, 'English');
      await menu.getByText('Identity & access').waitFor();
      expect(await menu.innerText()).not.toContain('身份与权限');
    } finally {
      await context.close();
    }
  });
});
