// The message pages (MS-1, MS-2, MS-4, MS-5, UI-4) in Chromium against the real server with a
// real SMSC simulator behind it: an admin sends a test SMS from the send page (the live quote
// prices it while typing), lands on the message's page and watches it reach `delivered`
// without reloading (pushed over the console event stream), then finds it in the outbox with
// a number filter. Plus the delivery queues page and a Chinese page title.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startConsoleServer, type ConsoleServer } from '../helpers/browser.js';
import { signInAdmin, type SignedIn } from '../helpers/identity.js';
import { setupMessaging, SMS_PRICE, type Messaging } from '../helpers/messaging.js';

let server: ConsoleServer;
let browser: Browser;
let admin: SignedIn;
let m: Messaging;
let enterpriseName: string;
let providerName: string;

beforeAll(async () => {
  server = await startConsoleServer();
  browser = await launchBrowser();
  admin = await signInAdmin(server.app);
  // Receipts come a moment after the submit, so the page sees the message in flight first.
  m = await setupMessaging(server.app, { smscOptions: { receiptDelayMs: 700 } });
  const ent = await server.app.ctx.db
    .selectFrom('enterprises')
    .select('name')
    .where('id', '=', m.tenant.enterpriseId)
    .executeTakeFirstOrThrow();
  enterpriseName = ent.name;
  const provider = await server.app.ctx.db
    .selectFrom('providers')
    .select('name')
    .where('id', '=', m.providerId)
    .executeTakeFirstOrThrow();
  providerName = provider.name;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await m?.smsc.stop();
});

async function queueAction(action: 'pause' | 'resume'): Promise<void> {
  const res = await server.app.inject({
    method: 'POST',
    url: `/api/v1/delivery/queues/${m.providerId}/${action}`,
    headers: admin.headers,
  });
  expect(res.statusCode).toBe(200);
}

async function signIn(
  locale: 'en-US' | 'zh-CN',
  user: SignedIn = admin,
): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await browser.newContext({
    locale,
    timezoneId: 'UTC',
    viewport: { width: 1600, height: 1000 },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${server.baseUrl}/login`);
  await page.locator('input[autocomplete="username"]').fill(user.username);
  await page.locator('input[autocomplete="current-password"]').fill(user.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('side-menu').waitFor();
  return { page, close: () => context.close() };
}

describe('MS-1 MS-2 MS-4 MS-5 UI-4 message pages in a browser', () => {
  it('sends a test SMS with a live quote, follows it live to delivered and finds it in the outbox', async () => {
    const { page, close } = await signIn('en-US');
    const to = '+447912345678';

    await page.getByTestId('side-menu').getByText('Messages', { exact: true }).click();
    await page.getByTestId('side-menu').getByText('Send test message').click();
    await page.waitForURL(/\/messages\/send$/);

    // Enterprise → its sending account (picked automatically, the only active one).
    await page.getByTestId('send-enterprise').click();
    await page.locator('.ant-select-item-option', { hasText: enterpriseName }).click();
    await page.getByTestId('send-account').locator('.ant-select-selection-item').waitFor();

    await page.getByTestId('send-to').fill(to);
    await page.getByTestId('send-text').fill('Hello from the console');
    // The quote follows the typing: one GSM-7 segment at the plan's price.
    expect(await page.getByTestId('quote-segments').innerText()).toBe('1');
    expect(await page.getByTestId('quote-encoding').innerText()).toBe('GSM-7');
    expect(await page.getByTestId('quote-price').innerText()).toBe('0.01 USD');
    expect(SMS_PRICE).toBe(10_000);

    // A Unicode character changes the quote to UCS-2 without a click.
    await page.getByTestId('send-text').fill('Hello 你好');
    await page.getByTestId('quote-encoding').getByText('UCS-2 (Unicode)').waitFor();
    await page.getByTestId('send-text').fill('Hello from the console');
    await page.getByTestId('quote-encoding').getByText('GSM-7', { exact: true }).waitFor();

    // The provider's queue is held, so the page first shows the message waiting.
    await queueAction('pause');
    await page.getByTestId('send-submit').click();
    await page.waitForURL(/\/messages\/[0-9a-f-]{36}$/);
    const id = /\/messages\/([0-9a-f-]{36})$/.exec(page.url())?.[1];
    expect(id).toBeDefined();
    // Marks this document: a reload would lose the mark.
    await page.evaluate('window.__samePage = true');
    await page.getByTestId('message-to').getByText(to).waitFor();
    expect(await page.getByTestId('message-segments').innerText()).toBe('1');
    expect(await page.getByTestId('message-price').innerText()).toContain('0.01 USD');
    await page.locator('[data-testid=message-status][data-status=queued]').waitFor();
    await page.getByTestId('message-cancel').waitFor();
    await page.locator('[data-testid=message-page][data-live=ws]').waitFor();

    // Released, the status moves to delivered on its own, pushed over the event stream.
    await queueAction('resume');
    await page.locator('[data-testid=message-status][data-status=delivered]').waitFor();
    await expect(page.evaluate('window.__samePage')).resolves.toBe(true);
    expect(await page.getByTestId('message-page').getAttribute('data-live')).toBe('ws');
    expect(await page.getByTestId('message-status').innerText()).toBe('Delivered');
    // The timeline ends with the receipt and the final state; attempts and parts are listed.
    await page.getByTestId('message-timeline').locator('[data-step=delivered]').waitFor();
    await page.getByTestId('message-timeline').locator('[data-step=queued]').waitFor();
    await page.getByTestId('message-timeline').locator('[data-step=receipt]').waitFor();
    await page.getByTestId('message-attempts').locator('tbody tr', { hasText: 'sent' }).waitFor();
    await page.getByTestId('message-parts').locator('tbody tr', { hasText: 'DELIVRD' }).waitFor();
    // A delivered message cannot be canceled.
    expect(await page.getByTestId('message-cancel').count()).toBe(0);

    const stored = await server.app.ctx.db
      .selectFrom('messages')
      .select(['status', 'recipient', 'body', 'enterprise_id'])
      .where('id', '=', id!)
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({
      status: 'delivered',
      recipient: to,
      body: 'Hello from the console',
      enterprise_id: m.tenant.enterpriseId,
    });

    // Another message to another number, so the number filter has something to leave out.
    const other = await m.send({ channel: 'sms', to: '+447912345999', text: 'other' });
    expect(other.status).toBe(201);

    await page.getByTestId('side-menu').getByText('Outbox').click();
    await page.waitForURL(/\/messages\/outbox$/);
    const table = page.getByTestId('outbox-table');
    await table.locator('tr', { hasText: '+447912345999' }).waitFor();
    await page.getByTestId('outbox-number').fill(to);
    await page.getByTestId('outbox-search').click();
    await table.locator('tr', { hasText: '+447912345999' }).waitFor({ state: 'detached' });
    const row = table.locator('tbody tr', { hasText: to });
    await row.waitFor();
    expect(await table.locator('tbody tr.ant-table-row').count()).toBe(1);
    await row.locator('[data-status=delivered]').waitFor();
    expect(await row.innerText()).toContain('Hello from the console');
    await row.locator('td').nth(5).click();
    await page.waitForURL(new RegExp(`/messages/${id}$`));
    await page.locator('[data-testid=message-status][data-status=delivered]').waitFor();
    await close();
  }, 120_000);

  it("lets a customer send from its own account and see only its enterprise's outbox", async () => {
    const { page, close } = await signIn('en-US', m.tenant.admin);
    await page.goto(`${server.baseUrl}/messages/send`);
    // No enterprise to pick: the customer's own (only) sending account is preselected.
    await page.getByTestId('send-account').locator('.ant-select-selection-item').waitFor();
    expect(await page.getByTestId('send-enterprise').count()).toBe(0);
    await page.getByTestId('send-to').fill('+447912345222');
    await page.getByTestId('send-text').fill('x'.repeat(161));
    // 161 GSM-7 characters take two parts.
    await page.getByTestId('quote-segments').getByText('2', { exact: true }).waitFor();
    expect(await page.getByTestId('quote-price').innerText()).toBe('0.02 USD');
    await page.getByTestId('send-submit').click();
    await page.waitForURL(/\/messages\/[0-9a-f-]{36}$/);
    await page.locator('[data-testid=message-status][data-status=delivered]').waitFor();
    await page.getByTestId('message-parts').locator('tbody tr.ant-table-row').nth(1).waitFor();
    await page.goto(`${server.baseUrl}/messages/outbox`);
    await page.getByTestId('outbox-table').locator('tr', { hasText: '+447912345222' }).waitFor();
    // Staff-only columns stay hidden.
    expect(await page.getByTestId('outbox-table').locator('th', { hasText: 'Enterprise' }).count()).toBe(0);
    await close();
  }, 120_000);

  it('shows a rejection next to the field at fault', async () => {
    const { page, close } = await signIn('en-US');
    await page.goto(`${server.baseUrl}/messages/send`);
    await page.getByTestId('send-enterprise').click();
    await page.locator('.ant-select-item-option', { hasText: enterpriseName }).click();
    await page.getByTestId('send-account').locator('.ant-select-selection-item').waitFor();
    await page.getByTestId('send-to').fill('12');
    await page.getByTestId('send-text').fill('Hi');
    // The quote cannot price an invalid number and says why.
    await page.getByTestId('quote-error').waitFor();
    await page.getByTestId('send-submit').click();
    await page.locator('.ant-form-item-has-error', { has: page.getByTestId('send-to') }).waitFor();
    expect(page.url()).toMatch(/\/messages\/send$/);
    const count = await server.app.ctx.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('recipient', '=', '12')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
    await close();
  }, 120_000);

  it('pauses a provider queue, cancels a held message and resumes the queue', async () => {
    const { page, close } = await signIn('en-US');
    await page.goto(`${server.baseUrl}/delivery/queues`);
    const row = page.getByTestId('queues-table').locator('tr', { hasText: providerName });
    await row.waitFor();
    await row.getByText('Running').waitFor();
    await page.getByTestId(`queue-toggle-${m.providerId}`).click();
    await row.getByText('Paused').waitFor();
    const paused = await server.app.inject({
      method: 'GET',
      url: '/api/v1/delivery/queues',
      headers: { authorization: `Bearer ${admin.accessToken}` },
    });
    const queues = paused.json<{ data: Array<{ providerId: string; paused: boolean }> }>().data;
    expect(queues.find((q) => q.providerId === m.providerId)?.paused).toBe(true);

    // A message held in the paused queue can be canceled from its page (and is refunded).
    const held = await m.send({ channel: 'sms', to: '+447912345111', text: 'held' });
    expect(held.status).toBe(201);
    const heldId = (held.json as { data: { id: string } }).data.id;
    await page.goto(`${server.baseUrl}/messages/${heldId}`);
    await page.locator('[data-testid=message-status][data-status=queued]').waitFor();
    await row.waitFor({ state: 'detached' });
    await page.getByTestId('message-cancel').click();
    await page.locator('.ant-popover .ant-btn-primary').click();
    await page.locator('[data-testid=message-status][data-status=canceled]').waitFor();
    await page.getByTestId('message-cancel').waitFor({ state: 'detached' });
    const canceled = await server.app.ctx.db
      .selectFrom('messages')
      .select(['status', 'refunded'])
      .where('id', '=', heldId)
      .executeTakeFirstOrThrow();
    expect(canceled).toMatchObject({ status: 'canceled' });
    expect(Number(canceled.refunded)).toBe(1);

    await page.goto(`${server.baseUrl}/delivery/queues`);
    await row.getByText('Paused').waitFor();
    await page.getByTestId(`queue-toggle-${m.providerId}`).click();
    await row.getByText('Running').waitFor();
    await close();
  }, 120_000);

  it('shows the outbox title in Chinese', async () => {
    const { page, close } = await signIn('zh-CN');
    await page.goto(`${server.baseUrl}/messages/outbox`);
    await page.getByTestId('outbox-page').locator('.ant-card-head-title').getByText('发件箱').waitFor();
    await page.getByTestId('side-menu').getByText('发送测试消息').waitFor();
    await close();
  }, 120_000);
});
