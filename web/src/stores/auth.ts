// Who is signed in: the tokens live in api/session.ts (the request client rotates them),
// the user and their permission codes come from GET /auth/me.
import { computed, ref, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import { authApi, isMfaChallenge, type CurrentUser, type LoginSuccess } from '@/api/auth';
import { clearSession, getSession, hasSession, setSession } from '@/api/session';
import { grants } from '@/utils/permissions';

export const useAuthStore = defineStore('auth', () => {
  const user = shallowRef<CurrentUser | null>(null);
  /** True while the guard asks the server who the user is. */
  const resolving = ref(false);

  const isAuthenticated = computed(() => hasSession.value);
  /** The permission patterns the user's roles grant (`*`, `customers:*`, exact codes). */
  const permissions = computed(() => user.value?.permissions ?? []);

  /** True when no permission is required or one of the user's patterns grants it. */
  function hasPermission(code: string | undefined): boolean {
    return code === undefined || code === '' || grants(permissions.value, code);
  }

  /** Starts a sign-in; returns the MFA token when a second step is needed. */
  async function login(username: string, password: string): Promise<{ mfaToken: string } | null> {
    const result = await authApi.login(username, password);
    if (isMfaChallenge(result)) {
      return { mfaToken: result.mfaToken };
    }
    await completeLogin(result);
    return null;
  }

  async function verifyMfa(mfaToken: string, code: string): Promise<void> {
    await completeLogin(await authApi.loginMfa(mfaToken, code));
  }

  async function completeLogin(result: LoginSuccess): Promise<void> {
    setSession({
      accessToken: result.accessToken,
      refreshToken: result.refreshToken,
      accessExpiresAt: result.accessExpiresAt,
    });
    // /auth/me is the one definition of the user the console relies on.
    await fetchMe();
  }

  async function fetchMe(): Promise<CurrentUser> {
    resolving.value = true;
    try {
      const me = await authApi.me();
      user.value = me;
      return me;
    } finally {
      resolving.value = false;
    }
  }

  async function logout(): Promise<void> {
    const session = getSession();
    if (session) {
      // Revoking is best effort: the local session ends whatever the server says.
      await authApi.logout(session.refreshToken).catch(() => undefined);
    }
    reset();
  }

  /** Forgets the user and the tokens without calling the server. */
  function reset(): void {
    clearSession();
    user.value = null;
  }

  /** Sets the user directly (tests, and callers that already hold /auth/me). */
  function setUser(next: CurrentUser | null): void {
    user.value = next;
  }

  return {
    user,
    resolving,
    isAuthenticated,
    permissions,
    hasPermission,
    login,
    verifyMfa,
    fetchMe,
    logout,
    reset,
    setUser,
  };
});
