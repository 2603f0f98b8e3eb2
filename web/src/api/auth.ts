// The identity module's session endpoints (login, MFA, refresh, logout, me). Typed by hand
// from the agreed contract until the routes are in the OpenAPI document; then these types
// can come from `components['schemas']` in schema.d.ts.
import { request } from './request';
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
// token, so a 401 (wrong password) is an answer, not an expired session.
export const authApi = {
  login: (username: string, password: string) =>
    request<LoginResult>('/api/v1/auth/login', {
      method: 'POST',
      body: { username, password },
      auth: false,
      silent: true,
    }),
  loginMfa: (mfaToken: string, code: string) =>
    request<LoginSuccess>('/api/v1/auth/login/mfa', {
      method: 'POST',
      body: { mfaToken, code },
      auth: false,
      silent: true,
    }),
  logout: (refreshToken: string) =>
    request<unknown>('/api/v1/auth/logout', { method: 'POST', body: { refreshToken }, silent: true }),
  me: () => request<CurrentUser>('/api/v1/auth/me'),
};
