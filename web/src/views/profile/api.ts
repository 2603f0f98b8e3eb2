// The signed-in user's own account: password, MFA, sessions (/api/v1/auth/...).
import { request } from '@/api/request';
import type { DataOf } from '@/views/identity/api';

export type Session = DataOf<'/api/v1/auth/sessions', 'get'>[number];
export type MfaSetup = DataOf<'/api/v1/auth/mfa/setup', 'post'>;

// Failures are shown on the forms themselves (wrong code, wrong password), so no toast.
export const profileApi = {
  changePassword: (currentPassword: string, newPassword: string) =>
    request<unknown>('/api/v1/auth/password', {
      method: 'POST',
      body: { currentPassword, newPassword },
      silent: true,
    }),
  sessions: () => request<Session[]>('/api/v1/auth/sessions'),
  revokeSession: (id: string) => request<unknown>(`/api/v1/auth/sessions/${id}`, { method: 'DELETE' }),
  mfaSetup: () => request<MfaSetup>('/api/v1/auth/mfa/setup', { method: 'POST' }),
  mfaEnable: (code: string) =>
    request<{ recoveryCodes: string[] }>('/api/v1/auth/mfa/enable', {
      method: 'POST',
      body: { code },
      silent: true,
    }),
  mfaDisable: (code: string) =>
    request<unknown>('/api/v1/auth/mfa/disable', { method: 'POST', body: { code }, silent: true }),
  recoveryCodes: (code: string) =>
    request<{ recoveryCodes: string[] }>('/api/v1/auth/mfa/recovery-codes', {
      method: 'POST',
      body: { code },
      silent: true,
    }),
};
