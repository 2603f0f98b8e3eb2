// MS-9 in a real browser against the real server: a customer admin writes a template, the live
// preview names the variables that still lack a sample and then shows the rendered text with
// its segment count, and the saved template is a draft of the customer's enterprise.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startConsoleServer, type ConsoleServer } from '../helpers/browser.js';
import { createTenant, type Tenant } from '../helpers/tenants.js';

let server: ConsoleServer;
let browser: Browser;
let tenant: Tenant;

beforeAll(async () => {
  server = await startConsoleServer();
  browser = await launchBrowser();
  tenant = await createTenant(server.app);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function signIn(page: Page): Promise<void> {
  await page.goto(`${server.baseUrl}/login`);
  await page.fill('input[autocomplete="username"]', tenant.admin.username);
  await page.fill('input[autocomplete="current-password"]', tenant.admin.password);
  await page.click('[data-testid=login-submit]');
  await page.getByTestId('side-menu').waitFor();
}

describe('MS-9 templates console', () => {
  it('creates a template whose live preview shows the rendered text', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    try {
      await signIn(page);
      await page.getByTestId('side-menu').getByText('Messages', { exact: true }).click();
      await page.getByTestId('side-menu').getByText('Templates').click();
      await page.getByTestId('templates-page').waitFor();
      // The predefined templates are listed for every enterprise.
      await page.getByTestId('templates-page').getByText('System alert').waitFor();

      await page.getByTestId('template-create').click();
      await page.getByTestId('template-form').waitFor();
      await page.getByTestId('template-name').fill('Login code');
      await page.getByTestId('template-body').fill('Hello {{ name }}, your code is {{ code }}');

      // Strict rendering: each variable without a sample is named, and gets a row to fill.
      await page.getByTestId('template-preview-error').getByText('name').waitFor();
      await page.getByTestId('variable-sample-name').fill('Ann');
      await page.getByTestId('variable-sample-code').fill('4321');
      const preview = page.getByTestId('template-preview-text');
      await preview.getByText('Hello Ann, your code is 4321').waitFor();
      await expect(page.getByTestId('template-preview-segments').innerText()).resolves.toBe('1');

      await page.getByTestId('template-save').click();
      await page.waitForURL(/\/templates\/[0-9a-f-]{36}$/);
      const row = await server.app.ctx.db
        .selectFrom('templates')
        .selectAll()
        .where('name', '=', 'Login code')
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ enterprise_id: tenant.enterpriseId, status: 'draft', channel: 'sms' });
      expect(JSON.parse(row.variables)).toEqual([
        { name: 'name', sample: 'Ann' },
        { name: 'code', sample: '4321' },
      ]);
      expect(page.url()).toBe(`${server.baseUrl}/templates/${row.id}`);
    } finally {
      await context.close();
    }
  }, 120_000);
});
