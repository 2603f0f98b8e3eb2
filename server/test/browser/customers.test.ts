// CU-1, CU-2, ID-6 in a real browser against the real server: an operator creates an
// enterprise and a sending account in the console, issues an API key and sees it exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
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
  if (server) {
    await server.app.services.identity.auth.flushKeyUsage();
    await server.close();
  }
});

async function signIn(page: Page): Promise<void> {
  const admin = await signInAdmin(server.app);
  await page.goto(`${server.baseUrl}/login`);
  await page.fill('input[autocomplete="username"]', admin.username);
  await page.fill('input[autocomplete="current-password"]', admin.password);
  await page.click('[data-testid=login-submit]');
  await page.getByTestId('side-menu').waitFor();
}

describe('CU-1/CU-2 customers console', () => {
  it('operator creates an enterprise and a sending account, issues a key and sees it once', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    try {
      await signIn(page);

      // Enterprise
      await page.goto(`${server.baseUrl}/customers/enterprises`);
      await page.getByTestId('enterprises-page').waitFor();
      await page.getByTestId('enterprise-create').click();
      await page.getByTestId('enterprise-name').fill('Browser Test Ltd');
      await page.getByTestId('enterprise-contact').fill('Han Meimei');
      await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
      await page.getByTestId('enterprises-table').getByText('Browser Test Ltd').waitFor();
      const ent = await server.app.ctx.db
        .selectFrom('enterprises')
        .select(['id', 'contact_name'])
        .where('name', '=', 'Browser Test Ltd')
        .executeTakeFirstOrThrow();
      expect(ent.contact_name).toBe('Han Meimei');

      // Sending account under it
      await page.goto(`${server.baseUrl}/customers/sending?enterpriseId=${ent.id}`);
      await page.getByTestId('sending-page').waitFor();
      await page.getByTestId('sending-create').click();
      await page.getByTestId('sending-name').fill('Browser account');
      await page.getByTestId('sending-submit').click();
      await page.getByTestId('sending-table').getByText('Browser account').waitFor();
      const acct = await server.app.ctx.db
        .selectFrom('sending_accounts')
        .select(['id', 'enterprise_id', 'daily_limit'])
        .where('name', '=', 'Browser account')
        .executeTakeFirstOrThrow();
      expect(acct).toMatchObject({ enterprise_id: ent.id, daily_limit: 10_000 });

      // API key, shown once
      await page.getByTestId('sending-keys-Browser account').click();
      await page.getByTestId('keys-page').waitFor();
      await page.getByTestId('key-name').fill('console key');
      await page.getByTestId('key-issue').click();
      const once = page.getByTestId('api-key-once');
      await once.waitFor();
      const key = (await once.innerText()).trim();
      expect(key.length).toBeGreaterThan(20);

      // The key shown is real: it authenticates as the sending account.
      const who = await server.app.inject({ url: '/api/v1/auth/whoami', headers: { 'x-api-key': key } });
      expect(who.json<{ data: { ownerId: string } }>().data.ownerId).toBe(acct.id);

      await page.getByRole('button', { name: 'I have saved it' }).click();
      await once.waitFor({ state: 'hidden' });
      const prefix = page.getByTestId('key-prefix');
      await prefix.first().waitFor();
      const shownPrefix = (await prefix.first().innerText()).replace('…', '').trim();
      expect(key.startsWith(shownPrefix)).toBe(true);
      expect(await page.content()).not.toContain(key);

      // A reload does not bring it back either.
      await page.reload();
      await page.getByTestId('key-prefix').first().waitFor();
      expect(await page.content()).not.toContain(key);
    } finally {
      await context.close();
    }
  }, 120_000);
});
