// Customer callbacks (MS-8) as the API shows them: the outbox rows of a tenant with filters,
// the delivery log of one, and manual re-send (a fresh 24-hour retry window).
import type { AppContext } from '../../context.js';
import type { AuditLog } from '../../platform/audit/audit.js';
import { assertTenant, tenantFilter, type AuthContext } from '../../platform/auth/auth-context.js';
import type { CursorPagination } from '../../platform/http/envelope.js';
import { cursorPage, decodeCursor } from '../../platform/http/pagination.js';
import type { CallbackAttemptsTable, CallbacksTable } from './callbacks.tables.js';
import { CALLBACK_RETRY_WINDOW_MS } from './callbacks.outbox.js';
import { type CallbackAttemptView, type CallbackListInput, type CallbackView } from './callbacks.schemas.js';
import './callbacks.tables.js';
import { CallbackErrors } from './messages.errors.js';

export function callbackView(r: CallbacksTable): CallbackView {
  return {
    id: r.id,
    enterpriseId: r.enterprise_id,
    sendingAccountId: r.sending_account_id,
    event: r.event,
    referenceId: r.reference_id,
    url: r.url,
    payload: r.payload,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null,
    expiresAt: r.expires_at,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    deliveredAt: r.delivered_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function attemptView(r: CallbackAttemptsTable): CallbackAttemptView {
  return {
    id: r.id,
    attempt: r.attempt,
    outcome: r.outcome,
    statusCode: r.status_code,
    latencyMs: r.latency_ms,
    error: r.error,
    startedAt: r.started_at,
  };
}

export class CallbackService {
  constructor(
    private readonly ctx: AppContext,
    private readonly audit: AuditLog,
    /** Asks the dispatcher to deliver due callbacks now instead of at its next tick. */
    private readonly kick: () => void,
  ) {}

  async load(auth: AuthContext, id: string): Promise<CallbacksTable> {
    const row = await this.ctx.db.selectFrom('callbacks').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) {
      throw CallbackErrors.notFound();
    }
    assertTenant(auth, row.enterprise_id, 'CALLBACK_NOT_FOUND');
    return row;
  }

  async get(auth: AuthContext, id: string): Promise<CallbackView> {
    return callbackView(await this.load(auth, id));
  }

  /** Newest first, cursor-paginated by id (UUIDv7, so by creation time). */
  async list(
    auth: AuthContext,
    q: CallbackListInput,
  ): Promise<{ items: CallbackView[]; pagination: CursorPagination }> {
    let query = this.ctx.db.selectFrom('callbacks').selectAll();
    const own = tenantFilter(auth);
    if (own !== null) {
      query = query.where('enterprise_id', '=', own);
    }
    if (q.enterpriseId) {
      query = query.where('enterprise_id', '=', q.enterpriseId);
    }
    if (q.sendingAccountId) {
      query = query.where('sending_account_id', '=', q.sendingAccountId);
    }
    if (q.status) {
      query = query.where('status', '=', q.status);
    }
    if (q.event) {
      query = query.where('event', '=', q.event);
    }
    if (q.referenceId) {
      query = query.where('reference_id', '=', q.referenceId);
    }
    if (q.cursor) {
      query = query.where('id', '<', decodeCursor(q.cursor).id);
    }
    const rows = await query
      .orderBy('id', 'desc')
      .limit(q.size + 1)
      .execute();
    const page = cursorPage(rows, q.size, (r) => ({ sortKey: r.id, id: r.id }));
    return { items: page.items.map(callbackView), pagination: { nextCursor: page.nextCursor, size: q.size } };
  }

  async attempts(auth: AuthContext, id: string): Promise<CallbackAttemptView[]> {
    await this.load(auth, id);
    const rows = await this.ctx.db
      .selectFrom('callback_attempts')
      .selectAll()
      .where('callback_id', '=', id)
      .orderBy('attempt')
      .execute();
    return rows.map(attemptView);
  }

  /** Sends the callback again now, with a new 24-hour retry window (delivered or dead ones too). */
  async resend(auth: AuthContext, id: string): Promise<CallbackView> {
    const before = await this.load(auth, id);
    if (before.claim_token !== null) {
      throw CallbackErrors.inFlight();
    }
    const now = this.ctx.clock.iso();
    const after: CallbacksTable = {
      ...before,
      status: 'pending',
      next_attempt_at: now,
      expires_at: new Date(this.ctx.clock.now() + CALLBACK_RETRY_WINDOW_MS).toISOString(),
      updated_at: now,
    };
    await this.ctx.db.transaction().execute(async (trx) => {
      const res = await trx
        .updateTable('callbacks')
        .set({
          status: after.status,
          next_attempt_at: after.next_attempt_at,
          expires_at: after.expires_at,
          updated_at: now,
        })
        .where('id', '=', id)
        .where('claim_token', 'is', null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) {
        throw CallbackErrors.inFlight();
      }
      await this.audit.recordChange(trx, auth, {
        entityType: 'callback',
        entityId: id,
        action: 'update',
        before: {
          status: before.status,
          nextAttemptAt: before.next_attempt_at,
          expiresAt: before.expires_at,
        },
        after: { status: after.status, nextAttemptAt: after.next_attempt_at, expiresAt: after.expires_at },
        enterpriseId: before.enterprise_id,
      });
    });
    this.kick();
    return callbackView(after);
  }
}
