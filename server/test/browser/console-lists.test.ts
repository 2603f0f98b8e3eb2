// UI-1…UI-5 in Chromium against the real server: the list-page pattern keeps its state in the
// URL (a filtered, paged outbox survives a reload and opens the same in a new context), the
// side menu's background reaches the bottom of a long page, a forgotten password is reset
// through the mail the platform's SMTP provider delivers to an SMTP sink, and in demo mode the
// dashboard counts one SMS and one e-mail as sent 2, delivered 2 and the message timeline
// names the provider. Nothing on the server is mocked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, startConsoleServer, type ConsoleServer } from '../helpers/browser.js';
import { signInAdmin, type SignedIn } from '../helpers/identity.js';
import { createTenant } from '../helpers/tenants.js';
import { waitFor } from '../helpers/platform.js';
import { newId } from '../../src/platform/ids.js';
import { systemAuth } from '../../src/platform/auth/auth-context.js';
import { demoHook, demoState } from '../../src/demo.js';
import { SmtpSink } from '../../src/simulators/index.js';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

async function signIn(server: ConsoleServer, context: BrowserContext, username: string, password: string) {
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/login`);
  await page.locator('input[autocomplete="username"]').fill(username);
  await page.locator('input[autocomplete="current-password"]').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('side-menu').waitFor();
  return page;
}

/** The first cells (the recipient column) of the outbox's rows on screen. */
async function recipients(page: Page): Promise<string[]> {
  const rows = page.getByTestId('outbox-table').locator('tbody tr.ant-table-row');
  await rows.first().waitFor();
  return rows.locator('td:nth-child(2)').allInnerTexts();
}

describe('UI-1 list pages keep their state in the URL', () => {
  let server: ConsoleServer;
  let admin: SignedIn;

  beforeAll(async () => {
    server = await startConsoleServer();
    admin = await signInAdmin(server.app);
    const tenant = await createTenant(server.app);
    // 60 delivered and 10 failed messages, one a minute apart, straight into the store.
    const start = Date.parse('2026-03-01T08:00:00.000Z');
    for (let i = 0; i < 70; i++) {
      const at = new Date(start + i * 60_000).toISOString();
      await server.app.ctx.db
        .insertInto('messages')
        .values({
          id: newId(),
          enterprise_id: tenant.enterpriseId,
          sending_account_id: tenant.sendingAccountId,
          source: 'api',
          api_key_id: null,
          user_id: null,
          channel: 'sms',
          recipient: `+4477009${String(i).padStart(5, '0')}`,
          country: 'GB',
          number_type: 'MOBILE',
          sender: null,
          subject: null,
          body: `hello ${i}`,
          html: null,
          encoding: 'gsm7',
          segments: 1,
          smart_encoding: 0,
          priority: 'normal',
          status: i % 7 === 3 ? 'failed' : 'delivered',
          client_ref: null,
          campaign_id: null,
          template_id: null,
          metadata: '{}',
          send_at: null,
          expires_at: null,
          price: 10_000,
          currency: 'USD',
          refund_on_failure: 1,
          refunded: 0,
          cost: null,
          provider_id: null,
          route_rule_id: null,
          attempts: 1,
          next_attempt_at: null,
          tried_providers: '[]',
          error_code: null,
          error_message: null,
          created_at: at,
          queued_at: at,
          sent_at: at,
          done_at: at,
          updated_at: at,
        })
        .execute();
    }
  }, 180_000);

  afterAll(async () => {
    await server?.close();
  });

  it('filters the outbox, pages on, and keeps filter and page after a reload and in a new context', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } });
    try {
      const page = await signIn(server, context, admin.username, admin.password);
      await page.goto(`${server.baseUrl}/messages/outbox`);
      await page.getByTestId('outbox-table').waitFor();
      // Status: delivered (60 rows: a first page of 50, a second of 10).
      await page.getByTestId('outbox-status').click();
      await page
        .locator('.ant-select-dropdown:visible .ant-select-item-option-content', { hasText: /^Delivered$/ })
        .click();
      await page.getByTestId('outbox-search').click();
      await page.waitForURL((u) => u.searchParams.get('status') === 'delivered');
      expect(await recipients(page)).toHaveLength(50);
      await page.getByTestId('list-next').click();
      await page.waitForURL((u) => u.searchParams.has('cursor'));
      await page.getByTestId('list-page').getByText('Page 2').waitFor();
      const secondPage = await recipients(page);
      expect(secondPage).toHaveLength(10);

      const url = page.url();
      await page.reload();
      await page.getByTestId('list-page').getByText('Page 2').waitFor();
      expect(await recipients(page)).toEqual(secondPage);
      // The form shows the filter that is applied.
      expect(await page.getByTestId('outbox-status').innerText()).toContain('Delivered');

      const other = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } });
      try {
        const again = await signIn(server, other, admin.username, admin.password);
        await again.goto(url);
        await again.getByTestId('list-page').getByText('Page 2').waitFor();
        expect(await recipients(again)).toEqual(secondPage);
        expect(await again.getByTestId('outbox-status').innerText()).toContain('Delivered');
      } finally {
        await other.close();
      }

      // Back to the first page: the filter holds.
      await page.getByTestId('list-previous').click();
      await page.waitForURL(
        (u) => !u.searchParams.has('cursor') && u.searchParams.get('status') === 'delivered',
      );
      expect(await recipients(page)).toHaveLength(50);
    } finally {
      await context.close();
    }
  }, 120_000);

  it("draws the side menu's dark background down to the bottom of a long page", async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 700 } });
    try {
      const page = await signIn(server, context, admin.username, admin.password);
      await page.goto(`${server.baseUrl}/messages/outbox`);
      expect(await recipients(page)).toHaveLength(50);
      const size = await page.evaluate<{ sider: number; page: number }>(`(() => {
        const sider = document.querySelector('.ant-layout-sider');
        return { sider: sider.getBoundingClientRect().height, page: document.documentElement.scrollHeight };
      })()`);
      expect(size.page).toBeGreaterThan(700);
      expect(size.sider).toBeGreaterThanOrEqual(size.page - 1);
      // Scrolled to the bottom, the menu is still in view.
      await page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)');
      const menuTop = await page.evaluate<number>(
        `document.querySelector('[data-testid=side-menu]').getBoundingClientRect().top`,
      );
      expect(menuTop).toBeGreaterThanOrEqual(0);
      expect(menuTop).toBeLessThan(200);
    } finally {
      await context.close();
    }
  }, 60_000);
});

describe('ID-1 forgot password in a browser', () => {
  let server: ConsoleServer;
  let sink: SmtpSink;

  beforeAll(async () => {
    server = await startConsoleServer();
    sink = new SmtpSink();
    await sink.start({ port: 0 });
    await server.app.services.providers.providers.create(systemAuth('test'), {
      name: 'Outgoing mail',
      channel: 'email',
      type: 'smtp',
      settings: { host: '127.0.0.1', port: sink.port, ignoreTls: true, from: 'noreply@pigeon.test' },
      enabled: true,
    });
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    await sink?.stop();
  });

  it('mails a reset link to the SMTP sink; the link sets a new password that signs in', async () => {
    const username = `forgot_${Math.random().toString(36).slice(2, 8)}`;
    await server.app.services.identity.users.createUser(systemAuth('test'), {
      username,
      displayName: 'Forgetful',
      email: `${username}@example.com`,
      password: 'Old-password-42',
      userType: 'staff',
      enterpriseId: null,
      roleIds: [],
      mustChangePassword: false,
    });
    const context = await browser.newContext({ locale: 'en-US' });
    try {
      const page = await context.newPage();
      await page.goto(`${server.baseUrl}/login`);
      await page.getByTestId('login-forgot').click();
      await page.waitForURL(/\/forgot-password$/);
      await page.getByTestId('forgot-login').fill(`${username}@example.com`);
      await page.getByTestId('forgot-submit').click();
      await page.getByTestId('forgot-sent').waitFor();

      const mail = await waitFor(
        () => sink.messages().find((m) => m.to.includes(`${username}@example.com`)),
        15_000,
        'the reset mail at the SMTP sink',
      );
      expect(mail.subject).toBe('Reset your Pigeon password');
      const link = /(http:\/\/127\.0\.0\.1:\d+\/reset-password\?token=\S+)/.exec(mail.text)?.[1];
      expect(link, mail.text).toBeDefined();

      await page.goto(link!);
      await page.locator('input[autocomplete="new-password"]').nth(0).fill('Brand-new-pass-7');
      await page.locator('input[autocomplete="new-password"]').nth(1).fill('Brand-new-pass-7');
      await page.getByTestId('reset-submit').click();
      await page.getByTestId('reset-done').waitFor();
      await page.getByTestId('reset-sign-in').click();
      await page.waitForURL(/\/login/);
      await page.locator('input[autocomplete="username"]').fill(username);
      await page.locator('input[autocomplete="current-password"]').fill('Brand-new-pass-7');
      await page.getByTestId('login-submit').click();
      await page.getByTestId('side-menu').waitFor();
    } finally {
      await context.close();
    }
  }, 90_000);
});

describe('demo mode: the dashboard counts and the message timeline', () => {
  let server: ConsoleServer;
  let admin: SignedIn;
  let apiKey: string;

  beforeAll(async () => {
    server = await startConsoleServer();
    const lines: string[] = [];
    server.app.ctx.config.demo = 'auto';
    await demoHook({
      app: server.app,
      config: server.app.ctx.config,
      isNewDataDir: true,
      print: (l) => lines.push(l),
    });
    apiKey =
      /^Demo API key: (pgn_\S+)/.exec(lines.find((l) => l.startsWith('Demo API key')) ?? '')?.[1] ?? '';
    admin = await signInAdmin(server.app);
  }, 180_000);

  afterAll(async () => {
    await server?.close();
  });

  async function send(body: Record<string, unknown>): Promise<string> {
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/v1/messages',
      headers: { 'x-api-key': apiKey },
      payload: body,
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json<{ data: { id: string } }>().data.id;
    await waitFor(
      async () => {
        const m = await server.app.inject({
          method: 'GET',
          url: `/api/v1/messages/${id}`,
          headers: { 'x-api-key': apiKey },
        });
        return m.json<{ data: { status: string } }>().data.status === 'delivered' ? true : undefined;
      },
      30_000,
      `message ${id} to be delivered`,
    );
    return id;
  }

  it('shows sent 2, delivered 2 after one SMS and one e-mail, and names the provider in the timeline', async () => {
    expect(apiKey).toMatch(/^pgn_/);
    const smsId = await send({ channel: 'sms', to: '+447912345678', from: 'Pigeon', text: 'Hello' });
    await send({
      channel: 'email',
      to: 'someone@example.com',
      from: 'demo@pigeon.local',
      subject: 'Hi',
      text: 'Hi',
    });

    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } });
    try {
      const page = await signIn(server, context, admin.username, admin.password);
      await page.getByTestId('dashboard').waitFor();
      const figure = async (testId: string) =>
        Number(
          (await page.getByTestId(testId).locator('.ant-statistic-content-value').innerText()).replace(
            /[^\d]/g,
            '',
          ),
        );
      await waitFor(
        async () => ((await figure('dashboard-delivered')) === 2 ? true : undefined),
        15_000,
        'delivered 2',
      );
      expect(await figure('dashboard-sent')).toBe(2);
      expect(await figure('dashboard-delivered')).toBe(2);

      const state = (await demoState(server.app.ctx.db))!;
      await page.goto(`${server.baseUrl}/messages/${smsId}`);
      const provider = page.getByTestId('message-timeline').getByTestId('timeline-provider').first();
      await provider.getByText('Demo SMSC (simulator)').waitFor();
      expect(await page.getByTestId('message-timeline').innerText()).not.toContain(state.smppProviderId);
    } finally {
      await context.close();
    }
  }, 120_000);
});
