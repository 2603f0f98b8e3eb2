// Console access tokens (short-lived JWT, HS256), opaque refresh tokens and API keys. Only
// hashes of refresh tokens and keys are stored.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';

export interface AccessClaims {
  sub: string;
  sid: string;
}

export class TokenSigner {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async sign(claims: AccessClaims, nowMs: number): Promise<{ token: string; expiresAt: string }> {
    const iat = Math.floor(nowMs / 1000);
    const exp = iat + this.ttlSeconds;
    const token = await new SignJWT({ sid: claims.sid })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setIssuer('pigeon')
      .sign(this.key);
    return { token, expiresAt: new Date(exp * 1000).toISOString() };
  }

  /** Verifies signature and expiry against the given clock; null when invalid. */
  async verify(token: string, nowMs: number): Promise<AccessClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: 'pigeon',
        algorithms: ['HS256'],
        currentDate: new Date(nowMs),
      });
      if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') {
        return null;
      }
      return { sub: payload.sub, sid: payload.sid };
    } catch {
      return null;
    }
  }
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function safeEqualHex(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'hex');
  const bb = Buffer.from(b, 'hex');
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

/**
 * API keys look like `pgn_<8 chars>_<secret>`: the part before the second underscore is the
 * visible prefix, stored in clear for lookup; the whole key is stored as a SHA-256 hash (keys
 * are high-entropy, so a slow hash would only slow every API call).
 */
export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const prefix = `pgn_${randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').slice(0, 8)}`;
  const key = `${prefix}_${randomToken(24)}`;
  return { key, prefix, hash: sha256(key) };
}

export function apiKeyPrefix(key: string): string | null {
  const m = /^(pgn_[A-Za-z0-9]{8})_[A-Za-z0-9_-]{20,}$/.exec(key);
  return m?.[1] ?? null;
}
