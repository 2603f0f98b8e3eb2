// Audit (OP-4): the operation log of every mutating request (written by the hook in
// `audit-hook.ts`, buffered and flushed in batches so it stays off the hot path), data-change
// entries with before/after values written by services inside their own transaction, and the
// login log.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Clock } from '../clock.js';
import type { Logger } from 'pino';
import type { AuthContext } from '../auth/auth-context.js';
import { newId } from '../ids.js';
import type { LoginLogsTable, OperationLogsTable } from './audit.tables.js';
import './audit.tables.js';

export type OperationEntry = Omit<OperationLogsTable, 'id' | 'created_at'>;

export interface DataChange {
  entityType: string;
  entityId: string;
  action: 'create' | 'update' | 'delete';
  before?: unknown;
  after?: unknown;
  /** Tenant of the changed object, when it has one. */
  enterpriseId?: string | null;
}

const SECRET_KEYS = /password|secret|token|key_hash|token_hash|code_hash|mfa/i;

/** Drops secrets from a before/after snapshot. */
export function redact(value: unknown): unknown {
  if (value === null || typeof value !== 'object') {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map(redact);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_KEYS.test(k) ? '[redacted]' : redact(v);
  }
  return out;
}

export class AuditLog {
  private buffer: OperationLogsTable[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly flushIntervalMs = 200,
    private readonly maxBuffer = 500,
  ) {}

  operation(entry: OperationEntry): void {
    this.buffer.push({ ...entry, id: newId(), created_at: this.clock.iso() });
    if (this.buffer.length >= this.maxBuffer) {
      void this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** Writes buffered operation entries; resolves when everything queued so far is stored. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) {
        return;
      }
      try {
        for (let i = 0; i < batch.length; i += 100) {
          await this.db
            .insertInto('operation_logs')
            .values(batch.slice(i, i + 100))
            .execute();
        }
      } catch (err) {
        this.log.error({ err, lost: batch.length }, 'failed to write operation log entries');
      }
    });
    return this.flushing;
  }

  /** A data-change entry in the caller's transaction, so it commits or rolls back with the change. */
  async recordChange(
    trx: Kysely<Database> | Transaction<Database>,
    auth: AuthContext,
    change: DataChange,
  ): Promise<void> {
    await trx
      .insertInto('data_change_logs')
      .values({
        id: newId(),
        request_id: auth.requestId,
        actor_id: auth.kind === 'system' ? null : auth.actorId,
        actor_name: auth.actorName,
        enterprise_id: change.enterpriseId ?? null,
        entity_type: change.entityType,
        entity_id: change.entityId,
        action: change.action,
        before: change.before === undefined ? null : JSON.stringify(redact(change.before)),
        after: change.after === undefined ? null : JSON.stringify(redact(change.after)),
        created_at: this.clock.iso(),
      })
      .execute();
  }

  async login(entry: Omit<LoginLogsTable, 'id' | 'created_at'>): Promise<void> {
    await this.db
      .insertInto('login_logs')
      .values({ ...entry, id: newId(), created_at: this.clock.iso() })
      .execute();
  }
}
