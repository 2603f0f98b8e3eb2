// Sign-in and sessions (ID-2), MFA (ID-4), password change and reset (ID-1), and the
// guard's authenticator for console tokens and API keys (ID-6, ID-8).
import { BlockList, isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import * as otp from 'otplib';
import QRCode from 'qrcode';
import type { AppContext } from '../../context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import type { Authenticator } from '../../platform/auth/guard.js';
import type { AuditLog } from '../../platform/audit/audit.js';
import { AppError, errors } from '../../platform/http/errors.js';
import type { RateLimiter } from '../../platform/http/rate-limit.js';
import { newId } from '../../platform/ids.js';
import { flag } from '../../platform/db/schema.js';
import { API_KEY_SCOPES } from './builtin-roles.js';
import { identityRepository as repo, widestScope } from './identity.repository.js';
import type { UsersTable } from './identity.tables.js';
import { hashPassword, passwordPolicyViolation, verifyPassword } from './passwords.js';
import { TokenSigner, apiKeyPrefix, randomToken, safeEqualHex, sha256 } from './tokens.js';
import { AuthErrors } from './identity.errors.js';
import type { Locale } from '../../platform/i18n/i18n.js';
import { PASSWORD_RESET_REQUESTED, type PasswordResetRequested } from './password-reset-mail.js';

/** Lockout (ID-2): after this many consecutive failures the account locks, doubling each time. */
export const LOCKOUT_THRESHOLD = 5;
const LOCKOUT_BASE_MS = 60_000;
const LOCKOUT_MAX_MS = 3_600_000;

export function lockoutMs(failedLogins: number): number {
  if (failedLogins < LOCKOUT_THRESHOLD) {
    return 0;
  }
  return Math.min(LOCKOUT_MAX_MS, LOCKOUT_BASE_MS * 2 ** (failedLogins - LOCKOUT_THRESHOLD));
}

export interface ClientInfo {
  ip: string;
  userAgent: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  accessExpiresAt: string;
}

interface CachedUser {
  base: Omit<AuthContext, 'requestId' | 'ip' | 'userAgent' | 'sessionFamilyId'>;
  mfaSetupRequired: boolean;
  status: UsersTable['status'];
  at: number;
}

interface CachedKey {
  hash: string;
  base: Omit<AuthContext, 'requestId' | 'ip' | 'userAgent'>;
  allow: BlockList | null;
  expiresAt: number | null;
  rateLimit: number;
  at: number;
}

const CACHE_TTL_MS = 30_000;
const MFA_TOKEN_TTL_S = 300;

export class AuthService implements Authenticator {
  private readonly signer: TokenSigner;
  private readonly mfaSigner: TokenSigner;
  private readonly users = new Map<string, CachedUser>();
  private readonly families = new Map<string, { valid: boolean; at: number }>();
  private readonly keys = new Map<string, CachedKey>();
  private readonly keyLastUsed = new Map<string, string>();
  private keyFlushTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ctx: AppContext,
    private readonly audit: AuditLog,
    private readonly limiter: RateLimiter,
    jwtSecret: string,
  ) {
    this.signer = new TokenSigner(jwtSecret, ctx.config.accessTokenTtl);
    this.mfaSigner = new TokenSigner(`${jwtSecret}:mfa`, MFA_TOKEN_TTL_S);
  }

  /** Forget cached identities (after a change of users, roles, sessions or keys). */
  invalidate(): void {
    this.users.clear();
    this.families.clear();
    this.keys.clear();
  }

  // --- sign-in ------------------------------------------------------------------------

  async login(
    username: string,
    password: string,
    client: ClientInfo,
  ): Promise<
    ({ mfaRequired: false } & TokenPair & { userId: string }) | { mfaRequired: true; mfaToken: string }
  > {
    // ID-8: failed attempts per IP are limited (30, refilling one every 20 s); the lockout
    // below limits them per account.
    const ipKey = `login-fail-ip:${client.ip}`;
    const wait = this.limiter.peek(ipKey, 1 / 20, 30);
    if (wait > 0) {
      await this.logLogin(null, username, client, false, 'ip_rate_limited');
      throw errors.rateLimited(wait);
    }
    const now = this.ctx.clock.now();
    const user = await repo.userByUsername(this.ctx.db, username);
    if (!user) {
      this.limiter.take(ipKey, 1 / 20, 30);
      await this.logLogin(null, username, client, false, 'unknown_user');
      throw AuthErrors.invalidCredentials();
    }
    if (user.locked_until && Date.parse(user.locked_until) > now) {
      const retryAfter = Math.ceil((Date.parse(user.locked_until) - now) / 1000);
      await this.logLogin(user, username, client, false, 'locked');
      const err = AuthErrors.accountLocked({ retryAfter });
      err.headers['retry-after'] = String(retryAfter);
      throw err;
    }
    if (!(await verifyPassword(user.password_hash, password))) {
      this.limiter.take(ipKey, 1 / 20, 30);
      const failed = user.failed_logins + 1;
      const lockMs = lockoutMs(failed);
      await this.ctx.db
        .updateTable('users')
        .set({
          failed_logins: failed,
          locked_until: lockMs > 0 ? new Date(now + lockMs).toISOString() : null,
        })
        .where('id', '=', user.id)
        .execute();
      await this.logLogin(user, username, client, false, 'wrong_password');
      throw AuthErrors.invalidCredentials();
    }
    if (user.status !== 'active') {
      await this.logLogin(user, username, client, false, 'disabled');
      throw AuthErrors.accountDisabled();
    }
    if (user.mfa_enabled === 1) {
      await this.ctx.db
        .updateTable('users')
        .set({ failed_logins: 0, locked_until: null })
        .where('id', '=', user.id)
        .execute();
      const { token } = await this.mfaSigner.sign({ sub: user.id, sid: 'mfa' }, now);
      return { mfaRequired: true, mfaToken: token };
    }
    const pair = await this.startSession(user, client);
    await this.logLogin(user, username, client, true, 'ok');
    return { mfaRequired: false, userId: user.id, ...pair };
  }

  async loginMfa(
    mfaToken: string,
    code: string,
    client: ClientInfo,
  ): Promise<TokenPair & { userId: string }> {
    const claims = await this.mfaSigner.verify(mfaToken, this.ctx.clock.now());
    if (!claims) {
      throw AuthErrors.mfaTokenInvalid();
    }
    const user = await repo.userById(this.ctx.db, claims.sub);
    if (!user || user.status !== 'active' || user.mfa_enabled !== 1 || !user.mfa_secret) {
      throw AuthErrors.mfaTokenInvalid();
    }
    const wait = this.limiter.take(`mfa:${user.id}`, 10 / 60, 10);
    if (wait > 0) {
      throw errors.rateLimited(wait);
    }
    if (!(await this.checkSecondFactor(user, code))) {
      await this.logLogin(user, user.username, client, false, 'wrong_mfa_code');
      throw AuthErrors.invalidMfaCode();
    }
    const pair = await this.startSession(user, client);
    await this.logLogin(user, user.username, client, true, 'ok_mfa');
    return { userId: user.id, ...pair };
  }

  private async checkSecondFactor(user: UsersTable, code: string): Promise<boolean> {
    const clean = code.replace(/\s+/g, '');
    if (/^\d{6}$/.test(clean) && user.mfa_secret) {
      return this.verifyTotp(user.mfa_secret, clean);
    }
    // A recovery code: one use each.
    const hash = sha256(clean.toLowerCase());
    const now = this.ctx.clock.iso();
    const res = await this.ctx.db
      .updateTable('mfa_recovery_codes')
      .set({ used_at: now })
      .where('user_id', '=', user.id)
      .where('code_hash', '=', hash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  verifyTotp(secret: string, code: string): boolean {
    const epoch = Math.floor(this.ctx.clock.now() / 1000);
    return otp.verifySync({ secret, token: code, epoch, epochTolerance: 30 }).valid;
  }

  private async startSession(user: UsersTable, client: ClientInfo): Promise<TokenPair> {
    const now = this.ctx.clock.now();
    const familyId = newId();
    const refreshToken = randomToken();
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('sessions')
        .values({
          id: newId(),
          family_id: familyId,
          user_id: user.id,
          token_hash: sha256(refreshToken),
          ip: client.ip,
          user_agent: client.userAgent.slice(0, 300),
          created_at: new Date(now).toISOString(),
          expires_at: new Date(now + this.ctx.config.refreshTokenTtl * 1000).toISOString(),
          used_at: null,
          revoked_at: null,
          revoked_reason: null,
        })
        .execute();
      await trx
        .updateTable('users')
        .set({ failed_logins: 0, locked_until: null, last_login_at: new Date(now).toISOString() })
        .where('id', '=', user.id)
        .execute();
    });
    const access = await this.signer.sign({ sub: user.id, sid: familyId }, now);
    return { accessToken: access.token, accessExpiresAt: access.expiresAt, refreshToken };
  }

  private async logLogin(
    user: UsersTable | null,
    username: string,
    client: ClientInfo,
    success: boolean,
    reason: string,
  ): Promise<void> {
    await this.audit.login({
      user_id: user?.id ?? null,
      username: username.slice(0, 100),
      enterprise_id: user?.enterprise_id ?? null,
      channel: 'console',
      ip: client.ip,
      user_agent: client.userAgent.slice(0, 300),
      success: flag(success),
      reason,
    });
  }

  /** Rotates a refresh token; a reused one revokes its whole family (ID-2). */
  async refresh(refreshToken: string, client: ClientInfo): Promise<TokenPair> {
    const nowMs = this.ctx.clock.now();
    const now = new Date(nowMs).toISOString();
    const row = await this.ctx.db
      .selectFrom('sessions')
      .selectAll()
      .where('token_hash', '=', sha256(refreshToken))
      .executeTakeFirst();
    if (!row || row.revoked_at) {
      throw AuthErrors.invalidRefresh();
    }
    if (row.used_at) {
      await this.revokeFamily(row.family_id, 'refresh_token_reused');
      throw AuthErrors.refreshReused();
    }
    if (Date.parse(row.expires_at) <= nowMs) {
      throw AuthErrors.invalidRefresh();
    }
    const user = await repo.userById(this.ctx.db, row.user_id);
    if (!user || user.status !== 'active') {
      throw AuthErrors.invalidRefresh();
    }
    const next = randomToken();
    const rotated = await this.ctx.db.transaction().execute(async (trx) => {
      const res = await trx
        .updateTable('sessions')
        .set({ used_at: now })
        .where('id', '=', row.id)
        .where('used_at', 'is', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) {
        return false;
      }
      await trx
        .insertInto('sessions')
        .values({
          id: newId(),
          family_id: row.family_id,
          user_id: row.user_id,
          token_hash: sha256(next),
          ip: client.ip,
          user_agent: client.userAgent.slice(0, 300),
          created_at: now,
          expires_at: row.expires_at,
          used_at: null,
          revoked_at: null,
          revoked_reason: null,
        })
        .execute();
      return true;
    });
    if (!rotated) {
      // Lost a race with another use of the same token: that is reuse too.
      await this.revokeFamily(row.family_id, 'refresh_token_reused');
      throw AuthErrors.refreshReused();
    }
    const access = await this.signer.sign({ sub: row.user_id, sid: row.family_id }, nowMs);
    return { accessToken: access.token, accessExpiresAt: access.expiresAt, refreshToken: next };
  }

  async logout(refreshToken: string): Promise<void> {
    const row = await this.ctx.db
      .selectFrom('sessions')
      .select(['family_id'])
      .where('token_hash', '=', sha256(refreshToken))
      .executeTakeFirst();
    if (row) {
      await this.revokeFamily(row.family_id, 'logout');
    }
  }

  async revokeFamily(familyId: string, reason: string): Promise<void> {
    await this.ctx.db
      .updateTable('sessions')
      .set({ revoked_at: this.ctx.clock.iso(), revoked_reason: reason })
      .where('family_id', '=', familyId)
      .where('revoked_at', 'is', null)
      .execute();
    this.families.set(familyId, { valid: false, at: this.ctx.clock.now() });
  }

  async revokeAllSessions(userId: string, reason: string): Promise<void> {
    const fams = await this.ctx.db
      .selectFrom('sessions')
      .select('family_id')
      .distinct()
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute();
    for (const f of fams) {
      await this.revokeFamily(f.family_id, reason);
    }
  }

  /** The caller's signed-in devices: one entry per session family still alive. */
  async listSessions(auth: AuthContext): Promise<
    Array<{
      id: string;
      ip: string;
      userAgent: string;
      createdAt: string;
      lastUsedAt: string;
      expiresAt: string;
      current: boolean;
    }>
  > {
    const now = this.ctx.clock.iso();
    const rows = await this.ctx.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', auth.actorId)
      .where('revoked_at', 'is', null)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .limit(100)
      .execute();
    const firsts = await this.ctx.db
      .selectFrom('sessions')
      .select(['family_id', (eb) => eb.fn.min('created_at').as('started')])
      .where('family_id', 'in', rows.length ? rows.map((r) => r.family_id) : ['-'])
      .groupBy('family_id')
      .execute();
    const started = new Map(firsts.map((f) => [f.family_id, String(f.started)]));
    return rows.map((r) => ({
      id: r.family_id,
      ip: r.ip,
      userAgent: r.user_agent,
      createdAt: started.get(r.family_id) ?? r.created_at,
      lastUsedAt: r.created_at,
      expiresAt: r.expires_at,
      current: r.family_id === auth.sessionFamilyId,
    }));
  }

  async revokeOwnSession(auth: AuthContext, familyId: string): Promise<void> {
    const row = await this.ctx.db
      .selectFrom('sessions')
      .select('id')
      .where('family_id', '=', familyId)
      .where('user_id', '=', auth.actorId)
      .executeTakeFirst();
    if (!row) {
      throw AuthErrors.sessionNotFound();
    }
    await this.revokeFamily(familyId, 'revoked_by_user');
  }

  // --- passwords ----------------------------------------------------------------------

  async changePassword(auth: AuthContext, current: string, next: string): Promise<void> {
    const user = await repo.userById(this.ctx.db, auth.actorId);
    if (!user) {
      throw errors.notFound();
    }
    if (!(await verifyPassword(user.password_hash, current))) {
      throw AuthErrors.wrongPassword();
    }
    const violation = passwordPolicyViolation(next, user.username);
    if (violation) {
      throw errors.invalid([{ field: 'newPassword', reason: violation }]);
    }
    await this.ctx.db
      .updateTable('users')
      .set({
        password_hash: await hashPassword(next),
        password_changed_at: this.ctx.clock.iso(),
        must_change_password: 0,
        updated_at: this.ctx.clock.iso(),
      })
      .where('id', '=', user.id)
      .execute();
  }

  /**
   * Stores a reset token valid for one hour and announces it (`identity.password_reset_requested`)
   * for the mail sender (`password-reset-mail.ts`), with the console URL its link points to.
   * Returns the token for the caller inside the process (never over HTTP).
   */
  async requestPasswordReset(
    login: string,
    link: { consoleUrl?: string; locale?: Locale } = {},
  ): Promise<string | null> {
    const user =
      (await repo.userByUsername(this.ctx.db, login)) ??
      (await this.ctx.db.selectFrom('users').selectAll().where('email', '=', login).executeTakeFirst());
    if (!user || user.status !== 'active') {
      return null;
    }
    const token = randomToken();
    const now = this.ctx.clock.now();
    await this.ctx.db
      .insertInto('password_reset_tokens')
      .values({
        id: newId(),
        user_id: user.id,
        token_hash: sha256(token),
        expires_at: new Date(now + 3_600_000).toISOString(),
        used_at: null,
        created_at: new Date(now).toISOString(),
      })
      .execute();
    this.ctx.events.emit(
      PASSWORD_RESET_REQUESTED,
      {
        userId: user.id,
        email: user.email,
        token,
        consoleUrl: link.consoleUrl ?? null,
        locale: link.locale ?? 'en-US',
      } satisfies PasswordResetRequested,
      user.enterprise_id,
    );
    return token;
  }

  async confirmPasswordReset(token: string, password: string): Promise<void> {
    const now = this.ctx.clock.iso();
    const row = await this.ctx.db
      .selectFrom('password_reset_tokens')
      .selectAll()
      .where('token_hash', '=', sha256(token))
      .executeTakeFirst();
    if (!row || row.used_at || row.expires_at <= now) {
      throw AuthErrors.resetTokenInvalid();
    }
    const user = await repo.userById(this.ctx.db, row.user_id);
    if (!user) {
      throw AuthErrors.resetTokenInvalid();
    }
    const violation = passwordPolicyViolation(password, user.username);
    if (violation) {
      throw errors.invalid([{ field: 'password', reason: violation }]);
    }
    const hash = await hashPassword(password);
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.updateTable('password_reset_tokens').set({ used_at: now }).where('id', '=', row.id).execute();
      await trx
        .updateTable('users')
        .set({
          password_hash: hash,
          password_changed_at: now,
          failed_logins: 0,
          locked_until: null,
          updated_at: now,
        })
        .where('id', '=', user.id)
        .execute();
    });
    await this.revokeAllSessions(user.id, 'password_reset');
  }

  // --- MFA ----------------------------------------------------------------------------

  async mfaSetup(auth: AuthContext): Promise<{ secret: string; otpauthUrl: string; qrDataUrl: string }> {
    const user = await repo.userById(this.ctx.db, auth.actorId);
    if (!user) {
      throw errors.notFound();
    }
    if (user.mfa_enabled === 1) {
      throw AuthErrors.mfaAlreadyEnabled();
    }
    const secret = otp.generateSecret();
    await this.ctx.db.updateTable('users').set({ mfa_secret: secret }).where('id', '=', user.id).execute();
    const otpauthUrl = otp.generateURI({ issuer: 'Pigeon', label: user.username, secret });
    const qrDataUrl = await QRCode.toDataURL(otpauthUrl);
    return { secret, otpauthUrl, qrDataUrl };
  }

  async mfaEnable(auth: AuthContext, code: string): Promise<{ recoveryCodes: string[] }> {
    const user = await repo.userById(this.ctx.db, auth.actorId);
    if (!user) {
      throw errors.notFound();
    }
    if (user.mfa_enabled === 1) {
      throw AuthErrors.mfaAlreadyEnabled();
    }
    if (!user.mfa_secret) {
      throw AuthErrors.mfaNotStarted();
    }
    if (!this.verifyTotp(user.mfa_secret, code.trim())) {
      throw AuthErrors.invalidMfaCode();
    }
    const recoveryCodes = await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({ mfa_enabled: 1, updated_at: this.ctx.clock.iso() })
        .where('id', '=', user.id)
        .execute();
      return this.replaceRecoveryCodes(trx, user.id);
    });
    this.invalidate();
    return { recoveryCodes };
  }

  async mfaDisable(auth: AuthContext, code: string): Promise<void> {
    const user = await repo.userById(this.ctx.db, auth.actorId);
    if (!user) {
      throw errors.notFound();
    }
    if (user.mfa_enabled !== 1) {
      throw AuthErrors.mfaNotEnabled();
    }
    if (!(await this.checkSecondFactor(user, code))) {
      throw AuthErrors.invalidMfaCode();
    }
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({ mfa_enabled: 0, mfa_secret: null, updated_at: this.ctx.clock.iso() })
        .where('id', '=', user.id)
        .execute();
      await trx.deleteFrom('mfa_recovery_codes').where('user_id', '=', user.id).execute();
    });
    this.invalidate();
  }

  async regenerateRecoveryCodes(auth: AuthContext, code: string): Promise<{ recoveryCodes: string[] }> {
    const user = await repo.userById(this.ctx.db, auth.actorId);
    if (!user || user.mfa_enabled !== 1 || !user.mfa_secret) {
      throw AuthErrors.mfaNotEnabled();
    }
    if (!this.verifyTotp(user.mfa_secret, code.trim())) {
      throw AuthErrors.invalidMfaCode();
    }
    const recoveryCodes = await this.ctx.db
      .transaction()
      .execute((trx) => this.replaceRecoveryCodes(trx, user.id));
    return { recoveryCodes };
  }

  private async replaceRecoveryCodes(trx: Transaction<Database>, userId: string): Promise<string[]> {
    await trx.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
    const codes = Array.from({ length: 10 }, () => {
      const raw = randomToken(8)
        .toLowerCase()
        .replace(/[^a-z0-9]/g, '');
      return `${raw.slice(0, 5)}-${raw.slice(5, 10)}`.padEnd(11, '0');
    });
    await trx
      .insertInto('mfa_recovery_codes')
      .values(codes.map((c) => ({ id: newId(), user_id: userId, code_hash: sha256(c), used_at: null })))
      .execute();
    return codes;
  }

  // --- the guard's authenticator -------------------------------------------------------

  async fromAccessToken(token: string, request: FastifyRequest): Promise<AuthContext> {
    const now = this.ctx.clock.now();
    const claims = await this.signer.verify(token, now);
    if (!claims) {
      throw AuthErrors.tokenInvalid();
    }
    if (!(await this.familyValid(claims.sid, now))) {
      throw AuthErrors.sessionRevoked();
    }
    const cached = await this.userContext(claims.sub, now);
    if (!cached || cached.status !== 'active') {
      throw AuthErrors.tokenInvalid();
    }
    const url = request.routeOptions.url ?? '';
    if (
      cached.mfaSetupRequired &&
      request.routeOptions.config.permission !== 'self' &&
      !url.startsWith('/api/v1/auth/')
    ) {
      throw AuthErrors.mfaSetupRequired();
    }
    return {
      ...cached.base,
      sessionFamilyId: claims.sid,
      requestId: request.id,
      ip: request.ip,
      userAgent: String(request.headers['user-agent'] ?? ''),
    };
  }

  private async familyValid(familyId: string, now: number): Promise<boolean> {
    const hit = this.families.get(familyId);
    if (hit && now - hit.at < CACHE_TTL_MS) {
      return hit.valid;
    }
    const row = await this.ctx.db
      .selectFrom('sessions')
      .select(['id'])
      .where('family_id', '=', familyId)
      .where('revoked_at', 'is not', null)
      .executeTakeFirst();
    const valid = !row;
    this.families.set(familyId, { valid, at: now });
    return valid;
  }

  /** Loads a user's roles into an auth context, cached briefly and dropped on any change. */
  async userContext(userId: string, now = this.ctx.clock.now()): Promise<CachedUser | null> {
    const hit = this.users.get(userId);
    if (hit && now - hit.at < CACHE_TTL_MS) {
      return hit;
    }
    const user = await repo.userById(this.ctx.db, userId);
    if (!user) {
      return null;
    }
    const roles = await repo.rolesOfUser(this.ctx.db, userId);
    const permissions = [...new Set(roles.flatMap((r) => r.permissions))].sort();
    const dataScope = user.user_type === 'customer' ? 'tenant' : widestScope(roles.map((r) => r.data_scope));
    const departmentIds =
      dataScope === 'department' && user.department_id
        ? await repo.departmentDescendants(this.ctx.db, user.department_id)
        : [];
    const entry: CachedUser = {
      base: {
        kind: 'user',
        actorId: user.id,
        actorName: user.username,
        userType: user.user_type,
        enterpriseId: user.enterprise_id,
        permissions,
        dataScope,
        departmentIds,
      },
      mfaSetupRequired: user.mfa_enabled !== 1 && roles.some((r) => r.requires_mfa === 1),
      status: user.status,
      at: now,
    };
    this.users.set(userId, entry);
    return entry;
  }

  async fromApiKey(key: string, request: FastifyRequest): Promise<AuthContext> {
    const now = this.ctx.clock.now();
    const prefix = apiKeyPrefix(key);
    if (!prefix) {
      throw AuthErrors.apiKeyInvalid();
    }
    let entry = this.keys.get(prefix);
    if (!entry || now - entry.at >= CACHE_TTL_MS) {
      const row = await this.ctx.db
        .selectFrom('api_keys')
        .selectAll()
        .where('prefix', '=', prefix)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (!row) {
        throw AuthErrors.apiKeyInvalid();
      }
      const scopes = JSON.parse(row.scopes) as string[];
      const ips = JSON.parse(row.ip_allowlist) as string[];
      entry = {
        hash: row.key_hash,
        base: {
          kind: 'apiKey',
          actorId: row.id,
          actorName: `key:${row.prefix}`,
          userType: 'customer',
          enterpriseId: row.enterprise_id,
          permissions: [...new Set(['self', ...scopes.flatMap((s) => API_KEY_SCOPES[s] ?? [])])],
          dataScope: 'tenant',
          departmentIds: [],
          apiKey: { id: row.id, ownerType: row.owner_type, ownerId: row.owner_id, scopes },
        },
        allow: ips.length ? blockListOf(ips) : null,
        expiresAt: row.expires_at ? Date.parse(row.expires_at) : null,
        rateLimit: row.rate_limit ?? this.ctx.config.apiKeyRateLimit,
        at: now,
      };
      this.keys.set(prefix, entry);
    }
    if (!safeEqualHex(entry.hash, sha256(key))) {
      throw AuthErrors.apiKeyInvalid();
    }
    if (entry.expiresAt !== null && entry.expiresAt <= now) {
      throw AuthErrors.apiKeyInvalid();
    }
    if (entry.allow && !entry.allow.check(request.ip, isIP(request.ip) === 6 ? 'ipv6' : 'ipv4')) {
      throw AuthErrors.apiKeyIpDenied({ ip: request.ip });
    }
    if (entry.rateLimit > 0) {
      const wait = this.limiter.take(`key:${prefix}`, entry.rateLimit, entry.rateLimit);
      if (wait > 0) {
        throw errors.rateLimited(wait);
      }
    }
    this.touchKey(entry.base.actorId, now);
    return {
      ...entry.base,
      requestId: request.id,
      ip: request.ip,
      userAgent: String(request.headers['user-agent'] ?? ''),
    };
  }

  /** Last-used times are written at most every few seconds per key, in one batch. */
  private touchKey(id: string, now: number): void {
    this.keyLastUsed.set(id, new Date(now).toISOString());
    if (!this.keyFlushTimer) {
      this.keyFlushTimer = setTimeout(() => void this.flushKeyUsage(), 5_000);
      this.keyFlushTimer.unref();
    }
  }

  async flushKeyUsage(): Promise<void> {
    if (this.keyFlushTimer) {
      clearTimeout(this.keyFlushTimer);
      this.keyFlushTimer = null;
    }
    const batch = [...this.keyLastUsed];
    this.keyLastUsed.clear();
    for (const [id, at] of batch) {
      await this.ctx.db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
    }
  }
}

export function blockListOf(entries: string[]): BlockList {
  const list = new BlockList();
  for (const e of entries) {
    const [addr = '', bits] = e.split('/');
    const type = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (bits !== undefined) {
      list.addSubnet(addr, Number(bits), type);
    } else {
      list.addAddress(addr, type);
    }
  }
  return list;
}

export function isValidIpOrCidr(s: string): boolean {
  const [addr = '', bits, extra] = s.split('/');
  if (extra !== undefined) {
    return false;
  }
  const v = isIP(addr);
  if (v === 0) {
    return false;
  }
  if (bits === undefined) {
    return true;
  }
  const n = Number(bits);
  return /^\d+$/.test(bits) && n >= 0 && n <= (v === 4 ? 32 : 128);
}

export { AppError };
