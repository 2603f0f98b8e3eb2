// The signed-in session's tokens, kept in localStorage so a reload stays signed in. The
// request client reads and rotates them; the auth store decides who the user is.
import { computed, shallowRef } from 'vue';

export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
  /** When the access token expires (ISO 8601), as the server reported it. */
  accessExpiresAt: string;
}

const STORAGE_KEY = 'pigeon.session';

function load(): SessionTokens | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) {
      return null;
    }
    const parsed = JSON.parse(raw) as Partial<SessionTokens>;
    return typeof parsed.accessToken === 'string' && typeof parsed.refreshToken === 'string'
      ? {
          accessToken: parsed.accessToken,
          refreshToken: parsed.refreshToken,
          accessExpiresAt: String(parsed.accessExpiresAt ?? ''),
        }
      : null;
  } catch {
    return null;
  }
}

const tokens = shallowRef<SessionTokens | null>(load());

/** True while there are tokens to send; says nothing about whether they are still valid. */
export const hasSession = computed(() => tokens.value !== null);

export function getSession(): SessionTokens | null {
  return tokens.value;
}

export function setSession(next: SessionTokens): void {
  tokens.value = { ...next };
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  } catch {
    // Storage disabled: the session lasts for this page only.
  }
}

export function clearSession(): void {
  tokens.value = null;
  try {
    localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing saved to remove.
  }
}
