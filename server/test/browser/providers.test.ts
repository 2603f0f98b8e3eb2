// Providers in Chromium against the real server (issue 5's console part, DL-1/DL-5): a frozen
// provider shows as frozen, is unfrozen with a reason, its status log shows both changes, and a
// test send goes through a real SMSC simulator. No part of the server is mocked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, startConsoleServer, type ConsoleServer } from '../helpers/browser.js';
import { signInAdmin, type SignedIn } from '../helpers/identity.js';
import { SmscSimulator, waitFor } from '../../src/simulators/index.js';
import { FREEZE_AFTER_FAILURES } from '../../src/modules/providers/provider-registry.js';

let server: ConsoleServer;
let browser: Browser;
let admin: SignedIn;
let smsc: SmscSimulator;

beforeAll(async () => {
  server = await startConsoleServer();
  browser = await launchBrowser();
  admin = await signInAdmin(server.app);
  smsc = new SmscSimulator({ systemId: 'pigeon', password: 'pw123' });
  await smsc.start();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await smsc?.stop();
});

describe('DL-5 providers page in a browser', () => {
  it('shows a frozen provider, unfreezes it with a reason, shows the status log and test-sends', async () => {
    const created = await server.app.inject({
      method: 'POST',
      url: '/api/v1/providers',
      headers: admin.headers,
      payload: {
        name: 'Carrier Browser',
        channel: 'sms',
        type: 'smpp',
        enabled: true,
        settings: {
          host: '127.0.0.1',
          port: smsc.port,
          systemId: 'pigeon',
          password: 'pw123',
          defaultFrom: 'Pigeon',
        },
      },
    });
    expect(created.statusCode, created.body).toBe(200);
    const id = created.json<{ data: { id: string } }>().data.id;
    for (let i = 0; i < FREEZE_AFTER_FAILURES; i++) {
      await server.app.services.providers.registry.recordResult(id, false, 'ESME_RSYSERR');
    }

    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1600, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.baseUrl}/login`);
    await page.locator('input[autocomplete="username"]').fill(admin.username);
    await page.locator('input[autocomplete="current-password"]').fill(admin.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('side-menu').waitFor();

    await page.goto(`${server.baseUrl}/providers/list`);
    const row = page.locator('tr', { hasText: 'Carrier Browser' });
    await row.getByTestId('provider-frozen').waitFor();
    await row.getByTestId('provider-unfreeze').click();
    await page.getByTestId('provider-unfreeze-reason').fill('carrier fixed its SMSC');
    await page.getByRole('button', { name: 'Unfreeze', exact: true }).last().click();
    await row.getByTestId('provider-frozen').waitFor({ state: 'detached' });

    await row.getByRole('button', { name: 'Status log' }).click();
    const logs = page.getByTestId('provider-status-logs');
    await logs.getByText('carrier fixed its SMSC').waitFor();
    await expect(logs.innerText()).resolves.toContain('Frozen');
    await page.locator('.ant-drawer-close').click();

    await row.getByRole('button', { name: 'Test send' }).click();
    await page.getByTestId('provider-test-to').fill('+4915112345678');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByTestId('provider-test-result').getByText('Accepted by the provider').waitFor();
    await waitFor(() => smsc.messages().length === 1, { message: 'the test SMS to reach the SMSC' });
    expect(smsc.messages()[0]?.text).toBe('Pigeon test message');
    await context.close();
  }, 120_000);

  it('creates an SMPP provider from the form, in Chinese, without ever showing its password', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1600, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.baseUrl}/login`);
    await page.locator('input[autocomplete="username"]').fill(admin.username);
    await page.locator('input[autocomplete="current-password"]').fill(admin.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('side-menu').waitFor();

    await page.goto(`${server.baseUrl}/providers/list`);
    await page.getByTestId('providers-page').getByText('发送服务').first().waitFor();
    await page.getByTestId('provider-create').click();
    const form = page.getByTestId('provider-form');
    await page.getByTestId('provider-form-name').fill('Carrier Form');
    await page.getByTestId('provider-form-host').fill('127.0.0.1');
    await form.getByLabel('端口').fill(String(smsc.port));
    await form.getByLabel('System ID').fill('pigeon');
    await form.getByLabel('密码').fill('pw123');
    await page.getByTestId('provider-form-submit').click();
    await page.locator('tr', { hasText: 'Carrier Form' }).waitFor();

    const row = await server.app.ctx.db
      .selectFrom('providers')
      .selectAll()
      .where('name', '=', 'Carrier Form')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.settings)).toMatchObject({ host: '127.0.0.1', port: smsc.port, password: 'pw123' });
    // Reloaded from the server, and with the edit form open, the password is nowhere on the page.
    await page.reload();
    const created = page.locator('tr', { hasText: 'Carrier Form' });
    await created.getByRole('button', { name: '编辑' }).click();
    await expect(page.getByTestId('provider-form-host').inputValue()).resolves.toBe('127.0.0.1');
    expect(await page.content()).not.toContain('pw123');
    await context.close();
  }, 120_000);
});
