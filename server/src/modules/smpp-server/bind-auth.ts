// Who may bind (DL-8): a sending account's system_id and password, the account and its
// enterprise active, the address inside its allow-list, and an address with too many failed
// binds refused without a password check (as console sign-ins, ID-8). Every attempt is written
// to the login log.
import { isIP } from 'node:net';
import type { AuditLog } from '../../platform/audit/audit.js';
import type { Clock } from '../../platform/clock.js';
import { flag } from '../../platform/db/schema.js';
import { MemoryRateLimiter } from '../../platform/http/rate-limit.js';
import type { Logger } from 'pino';
import { blockListOf, hashPassword, verifyPassword } from '../identity/index.js';
import type { BindMode } from './binds.js';
import type { BindAccountRow, SmppServerRepository } from './smpp-server.repository.js';

/** Failed binds per IP, as console sign-ins (ID-8): 30 at once, then one every 20 s. */
const BIND_FAILURE_BURST = 30;
const BIND_FAILURE_RATE = 1 / 20;

export type BindRefusal =
  | 'ip_rate_limited'
  | 'unknown_system_id'
  | 'wrong_password'
  | 'account_suspended'
  | 'ip_not_allowed'
  | 'too_many_binds';

export type BindCheck =
  { ok: true; account: BindAccountRow } | { ok: false; reason: BindRefusal; enterpriseId: string | null };

export class BindAuthenticator {
  private readonly failures: MemoryRateLimiter;
  /** Verified against when the system_id is unknown, so both refusals take as long. */
  private dummyHash: Promise<string> | null = null;

  constructor(
    private readonly repository: SmppServerRepository,
    private readonly audit: AuditLog,
    clock: Clock,
    private readonly log: Logger,
  ) {
    this.failures = new MemoryRateLimiter(clock);
  }

  /** Checks credentials, status and address (not the number of binds: the caller counts). */
  async check(systemId: string, password: string, ip: string): Promise<BindCheck> {
    const row = await this.repository.findBindAccount(systemId);
    const enterpriseId = row?.enterprise_id ?? null;
    const refuse = (reason: BindRefusal): BindCheck => ({ ok: false, reason, enterpriseId });
    const failureKey = `smpp-bind-fail:${ip}`;
    if (this.failures.peek(failureKey, BIND_FAILURE_RATE, BIND_FAILURE_BURST) > 0) {
      return refuse('ip_rate_limited');
    }
    if (!row || !row.smpp_password_hash) {
      this.dummyHash ??= hashPassword('no such SMPP account');
      await verifyPassword(await this.dummyHash, password);
      this.failures.take(failureKey, BIND_FAILURE_RATE, BIND_FAILURE_BURST);
      return refuse('unknown_system_id');
    }
    if (!(await verifyPassword(row.smpp_password_hash, password))) {
      this.failures.take(failureKey, BIND_FAILURE_RATE, BIND_FAILURE_BURST);
      return refuse('wrong_password');
    }
    if (row.status !== 'active' || row.enterprise_status !== 'active') {
      return refuse('account_suspended');
    }
    const allowlist = JSON.parse(row.smpp_ip_allowlist) as string[];
    if (allowlist.length > 0 && !blockListOf(allowlist).check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4')) {
      return refuse('ip_not_allowed');
    }
    return { ok: true, account: row };
  }

  /** Writes a bind attempt to the login log (channel `smpp`); a failure to write is logged. */
  async logLogin(
    systemId: string,
    enterpriseId: string | null,
    ip: string,
    mode: BindMode,
    success: boolean,
    reason: string,
  ): Promise<void> {
    try {
      await this.audit.login({
        user_id: null,
        username: systemId.slice(0, 100),
        enterprise_id: enterpriseId,
        channel: 'smpp',
        ip,
        user_agent: `SMPP bind_${mode}`,
        success: flag(success),
        reason,
      });
    } catch (err) {
      this.log.error({ err }, 'failed to write the SMPP login log');
    }
  }
}
