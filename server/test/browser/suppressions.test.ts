// MS-6/MS-7 in a real browser against the real server: a customer admin adds a number to the
// enterprise's suppression list and sees it listed; a bad CSV import names the line at fault.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startConsoleServer, type ConsoleServer } from '../helpers/browser.js';
import { createTenant, type Tenant } from '../helpers/tenants.js';
import { systemAuth } from '../../src/platform/auth/auth-context.js';

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

describe('MS-7 suppression list console', () => {
  it('adds a number with a reason and shows it in the list', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    try {
      await signIn(page);
      await page.getByTestId('side-menu').getByText('Messages', { exact: true }).click();
      await page.getByTestId('side-menu').getByText('Suppression list').click();
      await page.getByTestId('suppressions-page').waitFor();

      await page.getByTestId('suppression-create').click();
      await page.getByTestId('suppression-number').fill('+44 7912 345 601');
      await page.getByTestId('suppression-reason').fill('asked by phone');
      await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
      const table = page.getByTestId('suppressions-table');
      await table.getByText('+447912345601').waitFor();
      await table.getByText('asked by phone').waitFor();

      const row = await server.app.ctx.db
        .selectFrom('suppressions')
        .selectAll()
        .where('number', '=', '+447912345601')
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        enterprise_id: tenant.enterpriseId,
        source: 'manual',
        reason: 'asked by phone',
      });

      // A bad import is refused with the line at fault, and nothing is added.
      await page.getByTestId('suppression-import').click();
      await page.getByTestId('suppression-csv').fill('number,reason\n+447912345602,ok\nnonsense,bad');
      await page.getByRole('dialog').getByRole('button', { name: 'Import' }).click();
      await page.getByRole('dialog').getByText('line 3').waitFor();
      const imported = await server.app.ctx.db
        .selectFrom('suppressions')
        .select('id')
        .where('number', '=', '+447912345602')
        .executeTakeFirst();
      expect(imported).toBeUndefined();
    } finally {
      await context.close();
    }
  }, 120_000);

  it('shows inbound messages in the inbox with their classification', async () => {
    await server.app.services.customers.senders.create(systemAuth('test'), {
      enterpriseId: tenant.enterpriseId,
      channel: 'sms',
      value: '10690077',
    });
    await server.app.services.messages.inbox.receive(null, {
      from: '+447912345677',
      to: '10690077',
      text: 'STOP sending me offers',
      encoding: 'gsm7',
      parts: 1,
      isComplete: true,
      receivedAt: new Date(),
    });
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    try {
      await signIn(page);
      await page.getByTestId('side-menu').getByText('Messages', { exact: true }).click();
      await page.getByTestId('side-menu').getByText('Inbox', { exact: true }).click();
      const table = page.getByTestId('inbox-table');
      await table.getByText('STOP sending me offers').waitFor();
      await table.getByText('Opt-out').waitFor();
      await table.getByText('+447912345677').waitFor();
    } finally {
      await context.close();
    }
  }, 120_000);
});
