// DL-8 live SMPP binds in Chromium against the real server: an ESME binds to Pigeon's SMPP
// server, the admin sees the bind (account, system_id, type, IP) and disconnects it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, startConsoleServer, type ConsoleServer } from '../helpers/browser.js';
import { signInAdmin, type SignedIn } from '../helpers/identity.js';
import { createTenant } from '../helpers/tenants.js';
import { systemAuth } from '../../src/platform/auth/auth-context.js';
import { waitFor } from '../../src/simulators/index.js';
import { Esme } from '../../src/modules/smpp-server/esme-client.test-helper.js';

let server: ConsoleServer;
let browser: Browser;
let admin: SignedIn;
let esme: Esme | null = null;

beforeAll(async () => {
  server = await startConsoleServer({ config: { smppPort: 0 } });
  browser = await launchBrowser();
  admin = await signInAdmin(server.app);
}, 180_000);

afterAll(async () => {
  await esme?.close();
  await browser?.close();
  await server?.close();
});

describe('DL-8 live SMPP binds page in a browser', () => {
  it('shows a live bind and disconnects it', async () => {
    const tenant = await createTenant(server.app);
    await server.app.services.customers.sendingAccounts.update(systemAuth('test'), tenant.sendingAccountId, {
      name: 'Browser ESME account',
      smppSystemId: 'brwsr01',
      smppPassword: 'brw5pass',
    });
    const smpp = server.app.services.smppServer;
    await waitFor(() => smpp.isListening, { message: 'the SMPP port to open' });
    const client = await Esme.connect(smpp.port);
    esme = client;
    expect(await client.bind('brwsr01', 'brw5pass', 'transceiver')).toBe(0);

    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1600, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.baseUrl}/login`);
    await page.locator('input[autocomplete="username"]').fill(admin.username);
    await page.locator('input[autocomplete="current-password"]').fill(admin.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('side-menu').waitFor();

    await page.goto(`${server.baseUrl}/smpp/binds`);
    const row = page.getByTestId('smpp-binds-table').locator('tr', { hasText: 'brwsr01' });
    await row.waitFor();
    const text = await row.innerText();
    expect(text).toContain('Browser ESME account');
    expect(text).toContain('Transceiver');
    expect(text).toContain('127.0.0.1');

    await row.getByTestId('smpp-bind-disconnect').click();
    await page.locator('.ant-popover').getByRole('button', { name: 'OK' }).click();
    await waitFor(() => client.closed, { message: 'the ESME to be disconnected' });
    await row.waitFor({ state: 'detached' });
    await page.getByText('No ESME is bound').waitFor();
    await context.close();
  }, 120_000);
});
