// Identity in Chromium against the real server (issue 3's acceptance): the seeded admin
// creates a role with two permissions and a user with that role; the user then signs in and
// sees only the menu entries those permissions allow. No part of the server is mocked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import * as otp from 'otplib';
import { launchBrowser, startConsoleServer, type ConsoleServer } from '../helpers/browser.js';
import { login, signInAdmin, uniqueName, userWithRoles, type SignedIn } from '../helpers/identity.js';

let server: ConsoleServer;
let browser: Browser;
let admin: SignedIn;

beforeAll(async () => {
  server = await startConsoleServer();
  browser = await launchBrowser();
  admin = await signInAdmin(server.app);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function freshPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  // Fail on the step that is stuck, well before the test's own timeout.
  page.setDefaultTimeout(15_000);
  return { context, page };
}

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${server.baseUrl}/login`);
  await page.locator('input[autocomplete="username"]').fill(username);
  await page.locator('input[autocomplete="current-password"]').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('side-menu').waitFor();
}

async function signOut(page: Page): Promise<void> {
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.waitForURL((url) => url.pathname === '/login');
}

/** Every page entry of the side menu, with each group opened. */
async function menuLabels(page: Page): Promise<string[]> {
  const menu = page.getByTestId('side-menu');
  const closed = menu.locator('.ant-menu-submenu:not(.ant-menu-submenu-open) > .ant-menu-submenu-title');
  while ((await closed.count()) > 0) {
    await closed.first().click();
  }
  const items = await menu.locator('.ant-menu-item').allInnerTexts();
  return items.map((s) => s.trim());
}

/** Ticks a permission in the role form's tree. */
async function checkPermission(page: Page, code: string): Promise<void> {
  const node = page.locator('.ant-tree-treenode', { has: page.getByTestId(`permission-${code}`) });
  await node.locator('.ant-tree-checkbox').click();
  await node.locator('.ant-tree-checkbox-checked').waitFor();
}

describe('identity pages in a browser', () => {
  it('gives a user made in the console exactly the menu their role allows', async () => {
    const roleCode = uniqueName('auditor_');
    const roleName = `Login auditor ${roleCode}`;
    const username = uniqueName('viewer');
    const password = 'Viewer-pass-2026';

    const { context, page } = await freshPage();
    try {
      await signIn(page, admin.username, admin.password);

      // A role with two permissions, ticked in the permission tree.
      await page.goto(`${server.baseUrl}/identity/roles`);
      await page.getByTestId('role-create').click();
      await page.getByTestId('role-form-code').fill(roleCode);
      await page.getByTestId('role-form-name').fill(roleName);
      await checkPermission(page, 'identity:user:read');
      await checkPermission(page, 'audit:login:read');
      await page.getByTestId('role-form-submit').click();
      await page.getByTestId('roles-table').getByText(roleName).waitFor();

      // A user with that role and a password typed in the form.
      await page.goto(`${server.baseUrl}/identity/users`);
      await page.getByTestId('user-create').click();
      await page.getByTestId('user-form-username').fill(username);
      await page.getByTestId('user-form-display-name').fill('Viewer');
      await page.getByTestId('user-form-password').fill(password);
      await page.getByTestId('user-form-roles').click();
      await page.keyboard.type(roleName);
      await page.locator(`.ant-select-item-option[title="${roleName}"]`).click();
      // Close the role dropdown (Escape would close the drawer).
      await page.locator('.ant-drawer-title').click();
      await page.getByTestId('user-form-submit').click();
      const row = page.getByTestId('users-table').locator('tr', { hasText: username });
      await row.waitFor();
      expect(await row.innerText()).toContain(roleName);

      await signOut(page);
      await signIn(page, username, password);

      expect((await menuLabels(page)).sort()).toEqual(['Dashboard', 'Login log', 'Users']);
      const groups = await page.getByTestId('side-menu').locator('.ant-menu-submenu-title').allInnerTexts();
      expect(groups.map((s) => s.trim()).sort()).toEqual(['Audit', 'Identity & access']);

      // The pages the role allows open; one it does not shows the 403 page.
      await page.getByTestId('side-menu').getByText('Users').click();
      await page.getByTestId('users-table').getByText(username).waitFor();
      expect(await page.getByTestId('user-create').count()).toBe(0);
      await page.getByTestId('side-menu').getByText('Login log').click();
      await page.getByTestId('audit-table').getByText(username).first().waitFor();
      expect(await page.getByTestId('audit-export').count()).toBe(0);
    } catch (error) {
      await page
        .screenshot({ path: '/tmp/identity-test-failure.png', fullPage: true })
        .catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }
  }, 120_000);

  it('changes the password, binds an authenticator with its recovery codes and signs out another device', async () => {
    // Signing the user up also signs them in through the API: that is the other device.
    const me = await userWithRoles(server.app, ['platform_admin']);

    const { context, page } = await freshPage();
    try {
      await signIn(page, me.username, me.password);
      await page.goto(`${server.baseUrl}/profile`);
      await page.getByRole('tab', { name: 'Password' }).click();
      const form = page.getByTestId('password-form');
      await form.getByLabel('Current password').fill(me.password);
      await form.getByLabel('New password', { exact: true }).fill('Brand-new-pass-42');
      await form.getByLabel('New password again').fill('Brand-new-pass-42');
      await form.getByRole('button', { name: 'Change password' }).click();
      await page.getByText('Password changed').waitFor();
      await login(server.app, me.username, 'Brand-new-pass-42');

      await page.getByRole('tab', { name: 'Two-step verification' }).click();
      await page.getByTestId('mfa-start').click();
      expect(await page.getByTestId('mfa-qr').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
      const secret = (await page.getByTestId('mfa-secret').innerText()).trim();
      const code = otp.generateSync({ secret, epoch: Math.floor(server.app.ctx.clock.now() / 1000) });
      await page.getByTestId('mfa-setup-code').fill(code);
      await page.getByTestId('mfa-enable').click();

      const codes = page.getByTestId('one-time-secret');
      await codes.first().waitFor();
      expect(await codes.count()).toBe(10);
      await page.getByRole('button', { name: 'I have saved it' }).click();
      await page.getByText('Two-step verification is on').first().waitFor();
      const row = await server.app.ctx.db
        .selectFrom('users')
        .select('mfa_enabled')
        .where('username', '=', me.username)
        .executeTakeFirstOrThrow();
      expect(row.mfa_enabled).toBe(1);

      await page.getByRole('tab', { name: 'Devices' }).click();
      const sessions = page.getByTestId('session-list').locator('tbody tr.ant-table-row');
      await page.getByTestId('session-list').getByText('This device').waitFor();
      // This browser, the sign-up's API session and the API sign-in with the new password.
      expect(await sessions.count()).toBe(3);
      await page.getByTestId('session-revoke').first().click();
      await page.getByRole('button', { name: 'OK' }).click();
      await page.getByText('Device signed out').waitFor();
      await expect.poll(() => sessions.count()).toBe(2);
    } catch (error) {
      await page
        .screenshot({ path: '/tmp/identity-profile-failure.png', fullPage: true })
        .catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }
  }, 120_000);
});
