import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as otp from 'otplib';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import {
  TEST_PASSWORD,
  login,
  signInAdmin,
  uniqueName,
  userWithPermissions,
  type SignedIn,
} from '../../../test/helpers/identity.js';
import { FakeClock } from '../../platform/clock.js';
import { LOCKOUT_THRESHOLD } from './auth.service.js';

type Body<T = unknown> = {
  code: number | string;
  data: T;
  errors?: Array<{ field: string; reason: string }>;
};

describe('ID-1/ID-2 sign-in, sessions and refresh tokens', () => {
  let app: TestApp;
  let admin: SignedIn;
  const clock = new FakeClock(Date.parse('2026-03-01T08:00:00Z'));

  beforeAll(async () => {
    app = await createTestApp({ clock });
    admin = await signInAdmin(app);
  });
  afterAll(async () => {
    await app.close();
  });

  it('returns the signed-in user with its permissions', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: admin.headers });
    expect(res.statusCode).toBe(200);
    const me = res.json<Body<{ username: string; permissions: string[]; roles: string[] }>>().data;
    expect(me.username).toBe(admin.username);
    expect(me.permissions).toEqual(['*']);
    expect(me.roles).toEqual(['platform_admin']);
  });

  it('rejects a wrong password with 401 and writes the login log', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: admin.username, password: 'nope-1234' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json<Body>().code).toBe('INVALID_CREDENTIALS');
    const logs = await app.ctx.db
      .selectFrom('login_logs')
      .selectAll()
      .where('username', '=', admin.username)
      .execute();
    expect(logs.some((l) => l.success === 0 && l.reason === 'wrong_password')).toBe(true);
    expect(logs.some((l) => l.success === 1)).toBe(true);
  });

  it('rotates refresh tokens, and reuse of a used one revokes the whole family', async () => {
    const s = await login(app, admin.username);
    const r1 = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: s.refreshToken },
    });
    expect(r1.statusCode).toBe(200);
    const t1 = r1.json<Body<{ accessToken: string; refreshToken: string }>>().data;
    expect(t1.refreshToken).not.toBe(s.refreshToken);
    // The new access token works.
    expect(
      (await app.inject({ url: '/api/v1/auth/me', headers: { authorization: `Bearer ${t1.accessToken}` } }))
        .statusCode,
    ).toBe(200);

    // Replaying the first (already used) refresh token is reuse: the family is revoked.
    const replay = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: s.refreshToken },
    });
    expect(replay.statusCode).toBe(401);
    expect(replay.json<Body>().code).toBe('REFRESH_TOKEN_REUSED');
    // The latest token of that family is dead too, and so is its access token.
    const after = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: t1.refreshToken },
    });
    expect(after.statusCode).toBe(401);
    const me = await app.inject({
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${t1.accessToken}` },
    });
    expect(me.statusCode).toBe(401);
    expect(me.json<Body>().code).toBe('SESSION_REVOKED');
    // Other sessions of the same user are untouched.
    expect((await app.inject({ url: '/api/v1/auth/me', headers: admin.headers })).statusCode).toBe(200);
  });

  it('lists sessions per device and revokes one', async () => {
    const other = await login(app, admin.username);
    const list = await app.inject({ url: '/api/v1/auth/sessions', headers: admin.headers });
    const sessions = list.json<Body<Array<{ id: string; current: boolean }>>>().data;
    expect(sessions.length).toBeGreaterThanOrEqual(2);
    expect(sessions.filter((x) => x.current)).toHaveLength(1);
    const target = sessions.find((x) => !x.current) as { id: string };
    const del = await app.inject({
      method: 'DELETE',
      url: `/api/v1/auth/sessions/${target.id}`,
      headers: admin.headers,
    });
    expect(del.statusCode).toBe(200);
    const refreshes = await Promise.all(
      [other].map((o) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/auth/refresh',
          payload: { refreshToken: o.refreshToken },
        }),
      ),
    );
    // `other` may or may not be the revoked one; the revoked family can no longer refresh.
    const revoked = await app.ctx.db
      .selectFrom('sessions')
      .select('revoked_reason')
      .where('family_id', '=', target.id)
      .executeTakeFirst();
    expect(revoked?.revoked_reason).toBe('revoked_by_user');
    expect(refreshes.length).toBe(1);
  });

  it('locks an account after repeated failures and unlocks it after the backoff (fake clock)', async () => {
    const u = await userWithPermissions(app, []);
    for (let i = 0; i < LOCKOUT_THRESHOLD; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: u.username, password: 'wrong-pass-1' },
      });
      expect(res.json<Body>().code).toBe('INVALID_CREDENTIALS');
    }
    // Now locked: even the right password is refused, with the wait.
    const locked = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: u.username, password: TEST_PASSWORD },
    });
    expect(locked.statusCode).toBe(401);
    expect(locked.json<Body>().code).toBe('ACCOUNT_LOCKED');
    expect(Number(locked.headers['retry-after'])).toBe(60);
    clock.advance(59_000);
    const still = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: u.username, password: TEST_PASSWORD },
    });
    expect(still.json<Body>().code).toBe('ACCOUNT_LOCKED');
    clock.advance(2_000);
    const ok = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: u.username, password: TEST_PASSWORD },
    });
    expect(ok.statusCode).toBe(200);
  });

  it('doubles the lockout on the next failure after it expires', async () => {
    const u = await userWithPermissions(app, []);
    for (let i = 0; i < LOCKOUT_THRESHOLD; i++) {
      await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: u.username, password: 'wrong-pass-1' },
      });
    }
    clock.advance(61_000);
    await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: u.username, password: 'wrong-pass-1' },
    });
    const locked = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: u.username, password: TEST_PASSWORD },
    });
    expect(locked.json<Body>().code).toBe('ACCOUNT_LOCKED');
    expect(Number(locked.headers['retry-after'])).toBe(120);
  });

  it('changes the password under the policy', async () => {
    const u = await userWithPermissions(app, []);
    const weak = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: u.headers,
      payload: { currentPassword: TEST_PASSWORD, newPassword: 'short' },
    });
    expect(weak.statusCode).toBe(422);
    expect(weak.json<Body>().errors?.[0]).toMatchObject({
      field: 'newPassword',
      reason: 'password_too_short',
    });
    const good = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: u.headers,
      payload: { currentPassword: TEST_PASSWORD, newPassword: 'Another-pass-42' },
    });
    expect(good.statusCode).toBe(200);
    await expect(login(app, u.username, 'Another-pass-42')).resolves.toBeTruthy();
  });

  it('resets a password with an e-mailed token once', async () => {
    const u = await userWithPermissions(app, []);
    const token = await app.services.identity.auth.requestPasswordReset(u.username);
    expect(token).toBeTruthy();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/confirm',
      payload: { token, password: 'Fresh-pass-77' },
    });
    expect(res.statusCode).toBe(200);
    const again = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/confirm',
      payload: { token, password: 'Fresh-pass-78' },
    });
    expect(again.json<Body>().code).toBe('RESET_TOKEN_INVALID');
    await expect(login(app, u.username, 'Fresh-pass-77')).resolves.toBeTruthy();
  });
});

describe('ID-4 MFA', () => {
  let app: TestApp;
  const clock = new FakeClock(Date.parse('2026-03-01T08:00:00Z'));
  beforeAll(async () => {
    app = await createTestApp({ clock });
  });
  afterAll(async () => {
    await app.close();
  });

  const totp = (secret: string) => otp.generateSync({ secret, epoch: Math.floor(clock.now() / 1000) });

  it('binds TOTP, then sign-in needs a valid code or an unused recovery code', async () => {
    const u = await userWithPermissions(app, []);
    const setup = await app.inject({ method: 'POST', url: '/api/v1/auth/mfa/setup', headers: u.headers });
    const { secret, qrDataUrl } = setup.json<Body<{ secret: string; qrDataUrl: string }>>().data;
    expect(qrDataUrl.startsWith('data:image/png;base64,')).toBe(true);
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/enable',
      headers: u.headers,
      payload: { code: '000000' },
    });
    expect(bad.json<Body>().code).toBe('INVALID_MFA_CODE');
    const en = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/enable',
      headers: u.headers,
      payload: { code: totp(secret) },
    });
    const { recoveryCodes } = en.json<Body<{ recoveryCodes: string[] }>>().data;
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);

    const step1 = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: u.username, password: TEST_PASSWORD },
    });
    const first = step1.json<Body<{ mfaRequired: boolean; mfaToken: string; accessToken?: string }>>().data;
    expect(first.mfaRequired).toBe(true);
    expect(first.accessToken).toBeUndefined();

    const wrong = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login/mfa',
      payload: { mfaToken: first.mfaToken, code: '123456' === totp(secret) ? '654321' : '123456' },
    });
    expect(wrong.statusCode).toBe(401);
    const right = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login/mfa',
      payload: { mfaToken: first.mfaToken, code: totp(secret) },
    });
    expect(right.statusCode).toBe(200);
    expect(right.json<Body<{ accessToken: string }>>().data.accessToken).toBeTruthy();

    // A recovery code works once.
    const code = recoveryCodes[0] as string;
    const s2 = (
      await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: u.username, password: TEST_PASSWORD },
      })
    ).json<Body<{ mfaToken: string }>>().data;
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/v1/auth/login/mfa',
          payload: { mfaToken: s2.mfaToken, code },
        })
      ).statusCode,
    ).toBe(200);
    const s3 = (
      await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: u.username, password: TEST_PASSWORD },
      })
    ).json<Body<{ mfaToken: string }>>().data;
    const reused = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login/mfa',
      payload: { mfaToken: s3.mfaToken, code },
    });
    expect(reused.statusCode).toBe(401);
    expect(reused.json<Body>().code).toBe('INVALID_MFA_CODE');

    // An expired mfa token is refused.
    clock.advance(301_000);
    const late = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login/mfa',
      payload: { mfaToken: s3.mfaToken, code: totp(secret) },
    });
    expect(late.json<Body>().code).toBe('MFA_TOKEN_INVALID');
  });

  it('blocks a user whose role requires MFA from everything but its profile until bound', async () => {
    const admin = await signInAdmin(app);
    const role = await app.inject({
      method: 'POST',
      url: '/api/v1/identity/roles',
      headers: admin.headers,
      payload: {
        code: uniqueName('mfa_').toLowerCase(),
        name: 'needs mfa',
        userType: 'staff',
        dataScope: 'all',
        requiresMfa: true,
        permissions: ['identity:user:read'],
      },
    });
    expect(role.statusCode).toBe(200);
    const roleId = role.json<Body<{ id: string }>>().data.id;
    const username = uniqueName('m');
    await app.inject({
      method: 'POST',
      url: '/api/v1/identity/users',
      headers: admin.headers,
      payload: { username, displayName: 'M', password: TEST_PASSWORD, roleIds: [roleId] },
    });
    const u = await login(app, username);
    const blocked = await app.inject({ url: '/api/v1/identity/users', headers: u.headers });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json<Body>().code).toBe('MFA_SETUP_REQUIRED');
    const me = await app.inject({ url: '/api/v1/auth/me', headers: u.headers });
    expect(me.json<Body<{ mfaSetupRequired: boolean }>>().data.mfaSetupRequired).toBe(true);
    const { secret } = (
      await app.inject({ method: 'POST', url: '/api/v1/auth/mfa/setup', headers: u.headers })
    ).json<Body<{ secret: string }>>().data;
    await app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/enable',
      headers: u.headers,
      payload: { code: totp(secret) },
    });
    expect((await app.inject({ url: '/api/v1/identity/users', headers: u.headers })).statusCode).toBe(200);
  });
});
