// The signed-in user's own account: password, MFA, sessions (/api/v1/auth/...).
import { client, silentFetch, unwrap, type ApiData, type ApiItem } from '@/api/client';

export type Session = ApiItem<'/api/v1/auth/sessions'>;
export type MfaSetup = ApiData<'/api/v1/auth/mfa/setup', 'post'>;

// Failures are shown on the forms themselves (wrong code, wrong password), so no toast.
const quiet = { fetch: silentFetch };

export const profileApi = {
  changePassword: (currentPassword: string, newPassword: string) =>
    unwrap(client.POST('/api/v1/auth/password', { body: { currentPassword, newPassword }, ...quiet })),
  sessions: () => unwrap(client.GET('/api/v1/auth/sessions')),
  revokeSession: (id: string) =>
    unwrap(client.DELETE('/api/v1/auth/sessions/{id}', { params: { path: { id } } })),
  mfaSetup: () => unwrap(client.POST('/api/v1/auth/mfa/setup')),
  mfaEnable: (code: string) => unwrap(client.POST('/api/v1/auth/mfa/enable', { body: { code }, ...quiet })),
  mfaDisable: (code: string) => unwrap(client.POST('/api/v1/auth/mfa/disable', { body: { code }, ...quiet })),
  recoveryCodes: (code: string) =>
    unwrap(client.POST('/api/v1/auth/mfa/recovery-codes', { body: { code }, ...quiet })),
};
