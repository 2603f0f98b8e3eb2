// Password hashing (argon2id) and the password policy (ID-1).
import { hash, verify } from '@node-rs/argon2';
import { defineReason } from '../../platform/http/errors.js';

export const PASSWORD_MIN_LENGTH = 8;

const R = {
  tooShort: defineReason(
    'password_too_short',
    `must be at least ${PASSWORD_MIN_LENGTH} characters`,
    `长度不能少于 ${PASSWORD_MIN_LENGTH} 个字符`,
  ),
  tooLong: defineReason('password_too_long', 'must be at most 128 characters', '长度不能超过 128 个字符'),
  needsMix: defineReason(
    'password_needs_letter_and_digit',
    'must contain at least one letter and one digit',
    '必须同时包含字母和数字',
  ),
  sameAsUsername: defineReason(
    'password_same_as_username',
    'must not contain the username',
    '不能包含用户名',
  ),
};

/** Returns the reason the password breaks the policy, or null when it is acceptable. */
export function passwordPolicyViolation(password: string, username: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) {
    return R.tooShort;
  }
  if (password.length > 128) {
    return R.tooLong;
  }
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) {
    return R.needsMix;
  }
  if (username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) {
    return R.sameAsUsername;
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
