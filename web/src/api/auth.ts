// The identity module's session endpoints (login, MFA, logout, me, password reset).
import { client, silentFetch, unwrap } from './client';
import { apiFetch } from './request';
import type { SessionTokens } from './session';

export type UserType = 'staff' | 'customer';

export interface CurrentUser {
  id: string;
  username: string;
  displayName: string;
  userType: UserType;
  enterpriseId: string | null;
  /** Granted permission patterns: codes like `customers:enterprise:read`, `customers:*`, `*`. */
  permissions: string[];
  roles: string[];
  mfaEnabled: boolean;
}

export interface LoginSuccess extends SessionTokens {
  user: CurrentUser;
}

export interface MfaChallenge {
  mfaRequired: true;
  mfaToken: string;
}

export type LoginResult = LoginSuccess | MfaChallenge;

export function isMfaChallenge(result: LoginResult): result is MfaChallenge {
  return 'mfaRequired' in result && result.mfaRequired;
}

// Sign-in failures are shown on the form, so these calls do not toast; they carry no
// token, so a 401 (wrong password) is an answer, not an expired session. The server's schema
// types `user` loosely (its shape is the /auth/me answer), hence the one cast per call.
const anonymous = { fetch: (r: Request) => apiFetch(r, { auth: false, silent: true }) };

export const authApi = {
  login: async (username: string, password: string) =>
    (await unwrap(
      client.POST('/api/v1/auth/login', { body: { username, password }, ...anonymous }),
    )) as LoginResult,
  loginMfa: async (mfaToken: string, code: string) =>
    (await unwrap(
      client.POST('/api/v1/auth/login/mfa', { body: { mfaToken, code }, ...anonymous }),
    )) as LoginSuccess,
  logout: (refreshToken: string) =>
    unwrap(client.POST('/api/v1/auth/logout', { body: { refreshToken }, fetch: silentFetch })),
  me: async () => (await unwrap(client.GET('/api/v1/auth/me'))) as CurrentUser,
  /** Always answers the same, whether the account exists or not. */
  requestPasswordReset: (login: string) =>
    unwrap(client.POST('/api/v1/auth/password-reset/request', { body: { login }, ...anonymous })),
  confirmPasswordReset: (token: string, password: string) =>
    unwrap(client.POST('/api/v1/auth/password-reset/confirm', { body: { token, password }, ...anonymous })),
};
