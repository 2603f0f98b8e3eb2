// Password hashing (argon2id) and the password policy (ID-1).
import { hash, verify } from '@node-rs/argon2';
import { PASSWORD_MIN_LENGTH, PasswordReasons } from './identity.errors.js';

export { PASSWORD_MIN_LENGTH };

/** Returns the reason the password breaks the policy, or null when it is acceptable. */
export function passwordPolicyViolation(password: string, username: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) {
    return PasswordReasons.tooShort;
  }
  if (password.length > 128) {
    return PasswordReasons.tooLong;
  }
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) {
    return PasswordReasons.needsMix;
  }
  if (username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) {
    return PasswordReasons.sameAsUsername;
  }
  return null;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A readable random password for first-run admins and admin resets. */
export function generatePassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let out = '';
  for (const b of bytes) {
    out += alphabet[b % alphabet.length];
  }
  // Guarantee the policy's letter+digit mix.
  return `${out.slice(0, 14)}a7`;
}
