// Routing pages in Chromium against the real server (RT-1, RT-5): two rules are created in
// the console (one refused first with the server's field error on the form), reordered by
// drag and drop, one switched off, the sending account mapped to one provider, and the explain
// page shows the provider each change picks.
// Providers are real records, created through the providers API against an SMSC simulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startConsoleServer, type ConsoleServer } from '../helpers/browser.js';
import { signInAdmin, type SignedIn } from '../helpers/identity.js';
import { createTenant, type Tenant } from '../helpers/tenants.js';
import { SmscSimulator } from '../../src/simulators/index.js';

let server: ConsoleServer;
let browser: Browser;
let admin: SignedIn;
let tenant: Tenant;
let smsc: SmscSimulator;

async function createProvider(name: string): Promise<string> {
  const res = await server.app.inject({
    method: 'POST',
    url: '/api/v1/providers',
    headers: admin.headers,
    payload: {
      name,
      channel: 'sms',
      type: 'smpp',
      enabled: true,
      settings: { host: '127.0.0.1', port: smsc.port, systemId: 'pigeon', password: 'pw123' },
    },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ data: { id: string } }>().data.id;
}

beforeAll(async () => {
  server = await startConsoleServer();
  browser = await launchBrowser();
  admin = await signInAdmin(server.app);
  tenant = await createTenant(server.app);
  smsc = new SmscSimulator({ systemId: 'pigeon', password: 'pw123' });
  await smsc.start();
  await createProvider('Carrier A');
  await createProvider('Carrier B');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await smsc?.stop();
});

/** Picks an option by its label in the select's open dropdown. */
async function pick(page: Page, testId: string, label: string): Promise<void> {
  const select = page.getByTestId(testId);
  await select.click();
  // Several selects' dropdowns can be in the page at once (one still fading out). The select
  // just opened is the newest one not hidden: AntD appends each select's dropdown on first open.
  const dropdown = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').last();
  await dropdown.locator('.ant-select-item-option', { hasText: label }).first().click();
}

async function addTag(page: Page, testId: string, value: string): Promise<void> {
  await page.getByTestId(testId).click();
  await page.keyboard.type(value);
  await page.keyboard.press('Enter');
  // Close the dropdown by leaving the field (Escape would close the drawer).
  await page.getByTestId('rule-form-name').click();
}

async function explain(page: Page): Promise<{ chosen: string; rules: string }> {
  await page.goto(`${server.baseUrl}/routing/explain`);
  await page.getByTestId('explain-account').locator('input').fill(tenant.sendingAccountId);
  await page.getByTestId('explain-to').fill('+447400123456');
  const response = page.waitForResponse((r) => r.url().includes('/api/v1/routes/explain'));
  await page.getByTestId('explain-submit').click();
  expect((await response).status()).toBe(200);
  await page.getByTestId('explain-result').waitFor();
  return {
    chosen: (await page.getByTestId('explain-chosen').innerText()).trim(),
    rules: await page.getByTestId('explain-rules').innerText(),
  };
}

describe('RT-1/RT-5 route rules and explain in a browser', () => {
  it('creates two rules, reorders them by drag and drop and explains the choice each time', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1600, height: 1000 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    try {
      await page.goto(`${server.baseUrl}/login`);
      await page.locator('input[autocomplete="username"]').fill(admin.username);
      await page.locator('input[autocomplete="current-password"]').fill(admin.password);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('side-menu').waitFor();

      // Rule 1: UK traffic to Carrier A, with Carrier B as the second tier.
      await page.goto(`${server.baseUrl}/routing/rules`);
      await page.getByTestId('routing-rules-page').waitFor();
      await page.getByTestId('rule-create').click();
      await page.getByTestId('rule-form-name').fill('Primary');
      await addTag(page, 'rule-form-countries', 'GB');
      // A prefix the server refuses: its field error shows on the prefixes item.
      await addTag(page, 'rule-form-prefixes', '44x');
      await pick(page, 'rule-tier-0-provider-0', 'Carrier A');
      await page.getByTestId('rule-add-tier').click();
      await pick(page, 'rule-tier-1-provider-0', 'Carrier B');
      await page.getByTestId('rule-form-submit').click();
      const prefixItem = page.locator('.ant-form-item', { has: page.getByTestId('rule-form-prefixes') });
      await prefixItem.locator('.ant-form-item-explain-error').waitFor();
      expect(await prefixItem.locator('.ant-form-item-explain-error').innerText()).not.toBe('');
      await prefixItem.locator('.ant-select-selection-item-remove').click();
      await page.getByTestId('rule-form-submit').click();
      await page.getByTestId('rule-row-Primary').waitFor();

      // Rule 2: the same traffic to Carrier B; created last, so it starts below rule 1.
      await page.getByTestId('rule-create').click();
      await page.getByTestId('rule-form-name').fill('Backup');
      await addTag(page, 'rule-form-countries', 'GB');
      await pick(page, 'rule-tier-0-provider-0', 'Carrier B');
      await page.getByTestId('rule-form-submit').click();
      await page.getByTestId('rule-row-Backup').waitFor();

      const rowNames = async (): Promise<string[]> =>
        (await page.locator('[data-testid^="rule-row-"]').all()).reduce<Promise<string[]>>(
          async (acc, row) => [...(await acc), ((await row.getAttribute('data-testid')) ?? '').slice(9)],
          Promise.resolve([]),
        );
      expect(await rowNames()).toEqual(['Primary', 'Backup']);
      let result = await explain(page);
      expect(result.chosen).toBe('Carrier A');
      expect(result.rules).toContain('Matched');
      expect(result.rules).toContain('Matched, but another rule won');
      expect(await page.getByTestId('explain-providers').innerText()).toContain('Lower tier');

      // Drag Backup above Primary: the whole order is saved in one PUT.
      await page.goto(`${server.baseUrl}/routing/rules`);
      await page.getByTestId('rule-row-Backup').waitFor();
      const order = page.waitForResponse(
        (r) => r.url().endsWith('/api/v1/routes/order') && r.request().method() === 'PUT',
      );
      await page.getByTestId('rule-row-Backup').dragTo(page.getByTestId('rule-row-Primary'));
      expect((await order).status()).toBe(200);
      await expect.poll(rowNames).toEqual(['Backup', 'Primary']);
      const listed = await server.app.inject({ url: '/api/v1/routes', headers: admin.headers });
      expect(listed.json<{ data: Array<{ name: string }> }>().data.map((r) => r.name)).toEqual([
        'Backup',
        'Primary',
      ]);

      result = await explain(page);
      expect(result.chosen).toBe('Carrier B');

      // Switching Backup off hands the traffic back to Primary.
      await page.goto(`${server.baseUrl}/routing/rules`);
      const toggled = page.waitForResponse(
        (r) => r.url().includes('/api/v1/routes/') && r.request().method() === 'PATCH',
      );
      await page.getByTestId('rule-enabled-Backup').click();
      expect((await toggled).status()).toBe(200);
      result = await explain(page);
      expect(result.chosen).toBe('Carrier A');
      expect(result.rules).toContain('Rule disabled');

      // Mapping the sending account to Carrier B only: Primary's first tier is skipped.
      await page.goto(`${server.baseUrl}/routing/mappings`);
      await page.getByTestId('mapping-account').locator('input').fill(tenant.sendingAccountId);
      await page.getByTestId('mapping-open').click();
      await page.getByTestId('account-providers').waitFor();
      await pick(page, 'account-providers-select', 'Carrier B');
      await page.getByTestId('account-providers-status').click(); // closes the multi-select's dropdown
      const saved = page.waitForResponse(
        (r) => r.url().includes('/api/v1/routes/mappings/') && r.request().method() === 'PUT',
      );
      await page.getByTestId('account-providers-save').click();
      expect((await saved).status()).toBe(200);
      await page.getByTestId('account-providers-status').getByText('Restricted to 1 provider(s)').waitFor();
      result = await explain(page);
      expect(result.chosen).toBe('Carrier B');
      expect(await page.getByTestId('explain-providers').innerText()).toContain(
        'Not mapped to this sending account',
      );
    } finally {
      await context.close();
    }
  }, 120_000);
});
