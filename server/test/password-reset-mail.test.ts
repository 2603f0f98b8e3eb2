// ID-1 forgotten passwords: the reset token is mailed through the platform's own SMTP providers
// (a real SMTP sink on loopback) with a link to the console's reset page, and the answer is the
// same whether or not the account exists or a mail could be sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { login, signInAdmin } from './helpers/identity.js';
import { waitFor } from './helpers/platform.js';
import { systemAuth } from '../src/platform/auth/auth-context.js';
import { SmtpSink } from '../src/simulators/index.js';

type Body<T = unknown> = { code: number | string; data: T };

async function createUserWithEmail(app: TestApp, email: string): Promise<string> {
  const username = `reset_${Math.random().toString(36).slice(2, 10)}`;
  await app.services.identity.users.createUser(systemAuth('test'), {
    username,
    displayName: username,
    email,
    password: 'Initial-pass-42',
    userType: 'staff',
    enterpriseId: null,
    roleIds: [],
    mustChangePassword: false,
  });
  return username;
}

function requestReset(app: TestApp, loginName: string, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/auth/password-reset/request',
    headers: { host: 'console.example.test:8080', ...headers },
    payload: { login: loginName },
  });
}

describe('ID-1 password reset mail through the SMTP providers', () => {
  let app: TestApp;
  let sink: SmtpSink;

  beforeAll(async () => {
    app = await createTestApp();
    sink = new SmtpSink();
    await sink.start({ port: 0 });
  });
  afterAll(async () => {
    await app.close();
    await sink.stop();
  });

  it('answers the same for a known and an unknown account when no SMTP provider exists', async () => {
    const user = await createUserWithEmail(app, 'nobody-mails@example.com');
    const known = await requestReset(app, user);
    const unknown = await requestReset(app, 'no-such-user');
    expect(known.statusCode).toBe(200);
    expect(unknown.statusCode).toBe(200);
    expect(known.json<Body>().data).toEqual(unknown.json<Body>().data);
  });

  it('mails a link to the console reset page that sets a new password', async () => {
    await signInAdmin(app);
    await app.services.providers.providers.create(systemAuth('test'), {
      name: 'mail out',
      channel: 'email',
      type: 'smtp',
      settings: { host: '127.0.0.1', port: sink.port, ignoreTls: true, from: 'noreply@pigeon.test' },
      enabled: true,
    });
    const user = await createUserWithEmail(app, 'ana@example.com');
    const res = await requestReset(app, 'ana@example.com', { 'accept-language': 'zh-CN' });
    expect(res.statusCode).toBe(200);

    const mail = await waitFor(
      () => sink.messages().find((m) => m.to.includes('ana@example.com')),
      15_000,
      'the reset mail at the SMTP sink',
    );
    expect(mail.from).toContain('noreply@pigeon.test');
    expect(mail.subject).toBe('重置您的 Pigeon 密码');
    const link = /(http:\/\/console\.example\.test:8080\/reset-password\?token=\S+)/.exec(mail.text)?.[1];
    expect(link).toBeDefined();
    expect(mail.html).toContain(`href="${link!.replace(/&/g, '&#38;')}"`);
    const token = decodeURIComponent(new URL(link!).searchParams.get('token') ?? '');

    const confirm = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/confirm',
      payload: { token, password: 'Chosen-by-mail-9' },
    });
    expect(confirm.statusCode).toBe(200);
    await expect(login(app, user, 'Chosen-by-mail-9')).resolves.toBeTruthy();
  });

  it('links to PIGEON_PUBLIC_URL when it is set', async () => {
    app.ctx.config.publicUrl = 'https://pigeon.example.org/';
    try {
      await createUserWithEmail(app, 'bo@example.com');
      await requestReset(app, 'bo@example.com');
      const mail = await waitFor(
        () => sink.messages().find((m) => m.to.includes('bo@example.com')),
        15_000,
        'the second reset mail',
      );
      expect(mail.subject).toBe('Reset your Pigeon password');
      expect(mail.text).toMatch(/https:\/\/pigeon\.example\.org\/reset-password\?token=\S+/);
    } finally {
      app.ctx.config.publicUrl = '';
    }
  });
});
