// The profit dashboard (BL-6) in Chromium against the real server: an admin opens it, sees the
// day's revenue, cost and margin in the table and the chart, and switches to enterprise rows.
// Message rows are seeded straight into the database, as the message engine would store them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, startConsoleServer, type ConsoleServer } from '../helpers/browser.js';
import { signInAdmin, type SignedIn } from '../helpers/identity.js';
import { createEnterprise } from '../helpers/tenants.js';
import { newId } from '../../src/platform/ids.js';

let server: ConsoleServer;
let browser: Browser;
let admin: SignedIn;

async function seedMessage(enterpriseId: string, createdAt: string, price: number, cost: number | null) {
  await server.app.ctx.db
    .insertInto('messages')
    .values({
      id: newId(),
      enterprise_id: enterpriseId,
      sending_account_id: newId(),
      source: 'api',
      api_key_id: null,
      user_id: null,
      channel: 'sms',
      recipient: '+8613800000000',
      country: 'CN',
      number_type: 'MOBILE',
      sender: null,
      subject: null,
      body: 'hello',
      html: null,
      encoding: 'gsm7',
      segments: 1,
      smart_encoding: 0,
      priority: 'normal',
      status: 'delivered',
      client_ref: null,
      campaign_id: null,
      template_id: null,
      metadata: '{}',
      send_at: null,
      expires_at: null,
      price,
      currency: 'USD',
      refund_on_failure: 1,
      refunded: 0,
      cost,
      provider_id: null,
      route_rule_id: null,
      attempts: 1,
      next_attempt_at: null,
      tried_providers: '[]',
      error_code: null,
      error_message: null,
      created_at: createdAt,
      queued_at: null,
      sent_at: null,
      done_at: null,
      updated_at: createdAt,
    })
    .execute();
}

beforeAll(async () => {
  server = await startConsoleServer();
  browser = await launchBrowser();
  admin = await signInAdmin(server.app);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('BL-6 profit dashboard in a browser', () => {
  it('shows revenue, cost and margin by day and by enterprise', async () => {
    const ent = await createEnterprise(server.app, { name: 'Profit Browser Co' });
    // The server runs on the real clock; the page's default range is the last 30 days (UTC).
    const at = new Date(server.app.ctx.clock.now() - 3_600_000).toISOString();
    await seedMessage(ent.id, at, 1_000_000, 400_000);
    await seedMessage(ent.id, at, 250_000, null);

    const context = await browser.newContext({
      locale: 'en-US',
      timezoneId: 'UTC',
      viewport: { width: 1600, height: 900 },
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.baseUrl}/login`);
    await page.locator('input[autocomplete="username"]').fill(admin.username);
    await page.locator('input[autocomplete="current-password"]').fill(admin.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('side-menu').waitFor();

    await page.getByTestId('side-menu').getByText('Billing').click();
    await page.getByTestId('side-menu').getByText('Profit').click();
    await page.waitForURL(/\/billing\/profit$/);
    const table = page.getByTestId('profit-table');
    const dayRow = table.locator('tr', { hasText: at.slice(0, 10) });
    await dayRow.waitFor();
    const cells = await dayRow.locator('td').allInnerTexts();
    // Day, currency, messages, revenue, cost, margin, margin rate.
    expect(cells).toEqual([at.slice(0, 10), 'USD', '2', '1.25', '0.40', '0.85', '68.00%']);
    await page.getByTestId('profit-totals').getByText('USD').waitFor();
    await page.getByTestId('profit-chart').locator('canvas').first().waitFor();

    await page.getByTestId('profit-group-by').getByText('Enterprise').click();
    const entRow = table.locator('tr', { hasText: 'Profit Browser Co' });
    await entRow.waitFor();
    await expect(entRow.locator('td').allInnerTexts()).resolves.toEqual([
      'Profit Browser Co',
      'USD',
      '2',
      '1.25',
      '0.40',
      '0.85',
      '68.00%',
    ]);
    await context.close();
  });
});
