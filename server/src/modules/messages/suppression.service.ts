// The suppression list (MS-7): per enterprise, numbers no SMS is sent to. Numbers come from
// opt-out keywords in inbound messages (source 'mo'), by hand or by CSV import; the accept
// path's check hook rejects SMS to them with `recipient_opted_out`, one query per batch.
import type { Kysely, Transaction } from 'kysely';
import type { AppContext } from '../../context.js';
import type { AuditLog } from '../../platform/audit/audit.js';
import {
  assertTenant,
  systemAuth,
  tenantFilter,
  tenantForWrite,
  type AuthContext,
} from '../../platform/auth/auth-context.js';
import type { Database } from '../../platform/db/schema.js';
import { errors } from '../../platform/http/errors.js';
import type { Pagination } from '../../platform/http/envelope.js';
import { fetchPage } from '../../platform/http/pagination.js';
import { translate, type Locale } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import { parseCsv } from '../../platform/http/csv.js';
import { CustomersReasons, type SendingContext } from '../customers/index.js';
import type { Rejection, ValidItem } from './messages.contract.js';
import type { SuppressionsTable } from './inbox.tables.js';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type {
  CreateSuppressionInput,
  ImportSuppressionsInput,
  SuppressionListInput,
  SuppressionView,
} from './suppression.schemas.js';
import { SuppressionErrors, SuppressionReasons } from './messages.errors.js';

const MAX_REASON = 500;
/** Bound parameters per `in (...)` list: well under SQLite's and PostgreSQL's limits. */
const IN_CHUNK = 500;

export function suppressionView(r: SuppressionsTable): SuppressionView {
  return {
    id: r.id,
    enterpriseId: r.enterprise_id,
    number: r.number,
    source: r.source,
    reason: r.reason,
    inboundId: r.inbound_id,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

/**
 * E.164 of a number typed by a person, read from a CSV file or received as an MO sender
 * (international only: "+" or "00"); null when it is not a valid number. The same rule as the
 * send path's recipient check, so listed numbers equal the recipients the hook compares.
 */
export function normalizeNumber(raw: string): string | null {
  const cleaned = raw.trim().replace(/[\s().-]/g, '');
  const intl = cleaned.startsWith('00') ? `+${cleaned.slice(2)}` : cleaned;
  if (!/^\+\d{6,15}$/.test(intl)) {
    return null;
  }
  const parsed = parsePhoneNumberFromString(intl);
  return parsed?.isValid() ? parsed.number : null;
}

type Db = Kysely<Database> | Transaction<Database>;

export class SuppressionService {
  /**
   * Whether an enterprise has any suppressed number, and when that was seen: the send path
   * skips the look-up for an empty list. Any insert drops the entry; the 2 s life bounds a
   * check racing an insert's commit.
   */
  private readonly hasAny = new Map<string, { at: number; value: boolean }>();

  constructor(
    private readonly ctx: AppContext,
    private readonly audit: AuditLog,
  ) {}

  private async enterpriseFor(auth: AuthContext, requested: string | undefined): Promise<string> {
    const enterpriseId = tenantForWrite(auth, requested);
    if (!enterpriseId) {
      throw errors.invalid([{ field: 'enterpriseId', reason: CustomersReasons.enterpriseRequired }]);
    }
    const ent = await this.ctx.db
      .selectFrom('enterprises')
      .select('id')
      .where('id', '=', enterpriseId)
      .executeTakeFirst();
    if (!ent) {
      throw errors.invalid([{ field: 'enterpriseId', reason: CustomersReasons.enterpriseMissing }]);
    }
    return ent.id;
  }

  async list(
    auth: AuthContext,
    q: SuppressionListInput,
  ): Promise<{ items: SuppressionView[]; pagination: Pagination }> {
    let base = this.ctx.db.selectFrom('suppressions');
    const own = tenantFilter(auth);
    if (own !== null) {
      base = base.where('enterprise_id', '=', own);
    }
    if (q.enterpriseId) {
      base = base.where('enterprise_id', '=', q.enterpriseId);
    }
    if (q.source) {
      base = base.where('source', '=', q.source);
    }
    const digits = q.number?.replace(/\D/g, '');
    if (digits) {
      base = base.where('number', 'like', `%${digits}%`);
    }
    const page = await fetchPage(base.selectAll(), q, (qb) =>
      qb.orderBy('created_at', 'desc').orderBy('id', 'desc'),
    );
    return { items: page.items.map(suppressionView), pagination: page.pagination };
  }

  async create(auth: AuthContext, input: CreateSuppressionInput): Promise<SuppressionView> {
    const enterpriseId = await this.enterpriseFor(auth, input.enterpriseId);
    const number = normalizeNumber(input.number);
    if (!number) {
      throw errors.invalid([{ field: 'number', reason: SuppressionReasons.invalidNumber }]);
    }
    const reason = (input.reason ?? '').trim();
    const row: SuppressionsTable = {
      id: newId(),
      enterprise_id: enterpriseId,
      number,
      source: 'manual',
      reason,
      inbound_id: null,
      created_by: auth.actorName,
      created_at: this.ctx.clock.iso(),
    };
    await this.ctx.db.transaction().execute(async (trx) => {
      const exists = await trx
        .selectFrom('suppressions')
        .select('id')
        .where('enterprise_id', '=', enterpriseId)
        .where('number', '=', number)
        .executeTakeFirst();
      if (exists) {
        throw SuppressionErrors.exists();
      }
      this.hasAny.delete(row.enterprise_id);
      await trx.insertInto('suppressions').values(row).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'suppression',
        entityId: row.id,
        action: 'create',
        after: row,
        enterpriseId,
      });
    });
    this.ctx.events.emit('suppression.added', suppressionView(row), enterpriseId);
    return suppressionView(row);
  }

  async delete(auth: AuthContext, id: string): Promise<void> {
    const before = await this.ctx.db
      .selectFrom('suppressions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!before) {
      throw SuppressionErrors.notFound();
    }
    assertTenant(auth, before.enterprise_id, 'SUPPRESSION_NOT_FOUND');
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('suppressions').where('id', '=', id).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'suppression',
        entityId: id,
        action: 'delete',
        before,
        enterpriseId: before.enterprise_id,
      });
    });
    this.ctx.events.emit('suppression.removed', suppressionView(before), before.enterprise_id);
  }

  /**
   * CSV import, all or nothing: every line is checked first and any problem rejects the file
   * with one error per bad line (`line N`); numbers already listed are skipped.
   */
  async import(
    auth: AuthContext,
    input: ImportSuppressionsInput,
  ): Promise<{ imported: number; skipped: number }> {
    const enterpriseId = await this.enterpriseFor(auth, input.enterpriseId);
    const rows = parseCsv(input.csv);
    const header = rows[0];
    const columns = header?.cells.map((c) => c.trim().toLowerCase()).join(',');
    if (!header || (columns !== 'number' && columns !== 'number,reason')) {
      throw errors.invalid([{ field: `line ${header?.line ?? 1}`, reason: SuppressionReasons.badHeader }]);
    }
    const width = header.cells.length;
    const problems: Array<{ field: string; reason: string; params?: Record<string, unknown> }> = [];
    const parsed = new Map<string, { reason: string; line: number }>();
    for (const r of rows.slice(1)) {
      const field = `line ${r.line}`;
      if (r.cells.length > width || (r.cells.length === 1 && r.cells[0]?.trim() === '')) {
        if (r.cells.length > width) {
          problems.push({ field, reason: SuppressionReasons.badColumns });
        }
        continue;
      }
      // Exports prefix "+" with "'" (no spreadsheet formulas); accept that form back.
      const number = normalizeNumber((r.cells[0] ?? '').trim().replace(/^'/, ''));
      const reason = (r.cells[1] ?? '').trim();
      if (!number) {
        problems.push({ field, reason: SuppressionReasons.invalidNumber });
        continue;
      }
      if (reason.length > MAX_REASON) {
        problems.push({ field, reason: SuppressionReasons.tooLong, params: { max: MAX_REASON } });
        continue;
      }
      const first = parsed.get(number);
      if (first) {
        problems.push({ field, reason: SuppressionReasons.duplicateRow, params: { line: first.line } });
        continue;
      }
      parsed.set(number, { reason, line: r.line });
    }
    if (problems.length > 0) {
      throw errors.invalid(problems.slice(0, 100));
    }
    if (parsed.size === 0) {
      throw errors.invalid([{ field: 'csv', reason: SuppressionReasons.empty }]);
    }
    const now = this.ctx.clock.iso();
    let imported = 0;
    const added: SuppressionsTable[] = [];
    await this.ctx.db.transaction().execute(async (trx) => {
      const existing = await this.listedAmong(trx, enterpriseId, [...parsed.keys()]);
      const values: SuppressionsTable[] = [];
      for (const [number, p] of parsed) {
        if (!existing.has(number)) {
          values.push({
            id: newId(),
            enterprise_id: enterpriseId,
            number,
            source: 'import',
            reason: p.reason,
            inbound_id: null,
            created_by: auth.actorName,
            created_at: now,
          });
        }
      }
      this.hasAny.clear();
      for (let i = 0; i < values.length; i += IN_CHUNK) {
        await trx
          .insertInto('suppressions')
          .values(values.slice(i, i + IN_CHUNK))
          .execute();
      }
      imported = values.length;
      added.push(...values);
      await this.audit.recordChange(trx, auth, {
        // One entry for the whole file: the list of the enterprise changed.
        entityType: 'suppression_list',
        entityId: enterpriseId,
        action: 'update',
        after: { imported, skipped: parsed.size - imported },
        enterpriseId,
      });
    });
    for (const row of added) {
      this.ctx.events.emit('suppression.added', suppressionView(row), enterpriseId);
    }
    return { imported, skipped: parsed.size - imported };
  }

  /** Pages of the list for a CSV export (the tenant's own, or one enterprise / all for staff). */
  async *exportPages(auth: AuthContext, enterpriseId: string | undefined): AsyncGenerator<SuppressionView[]> {
    const own = tenantFilter(auth);
    let after: string | null = null;
    for (;;) {
      let q = this.ctx.db.selectFrom('suppressions').selectAll().orderBy('id').limit(1000);
      if (own !== null) {
        q = q.where('enterprise_id', '=', own);
      }
      if (enterpriseId) {
        q = q.where('enterprise_id', '=', enterpriseId);
      }
      if (after !== null) {
        q = q.where('id', '>', after);
      }
      const rows = await q.execute();
      if (rows.length === 0) {
        return;
      }
      yield rows.map(suppressionView);
      after = rows[rows.length - 1]?.id ?? null;
      if (rows.length < 1000) {
        return;
      }
    }
  }

  /** Which of these numbers the enterprise has listed (one query per 500 numbers). */
  async listedAmong(db: Db, enterpriseId: string, numbers: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    const unique = [...new Set(numbers)];
    for (let i = 0; i < unique.length; i += IN_CHUNK) {
      const rows = await db
        .selectFrom('suppressions')
        .select('number')
        .where('enterprise_id', '=', enterpriseId)
        .where('number', 'in', unique.slice(i, i + IN_CHUNK))
        .execute();
      for (const r of rows) {
        out.add(r.number);
      }
    }
    return out;
  }

  /**
   * The accept path's check (MS-7): SMS items to a number on the enterprise's list are
   * rejected with RECIPIENT_OPTED_OUT / `recipient_opted_out`.
   */
  readonly check = async (
    items: ValidItem[],
    account: SendingContext,
    locale: Locale = 'en-US',
  ): Promise<Array<Rejection | null>> => {
    const sms = items.filter((i) => i.item.channel === 'sms');
    if (sms.length === 0) {
      return items.map(() => null);
    }
    const enterpriseId = account.enterprise.id;
    const now = this.ctx.clock.now();
    let known = this.hasAny.get(enterpriseId);
    if (!known || now - known.at >= 2000) {
      const any = await this.ctx.db
        .selectFrom('suppressions')
        .select('id')
        .where('enterprise_id', '=', enterpriseId)
        .limit(1)
        .executeTakeFirst();
      known = { at: now, value: any !== undefined };
      this.hasAny.set(enterpriseId, known);
    }
    if (!known.value) {
      return items.map(() => null);
    }
    const listed = await this.listedAmong(
      this.ctx.db,
      enterpriseId,
      sms.map((i) => i.to),
    );
    return items.map((i) =>
      i.item.channel === 'sms' && listed.has(i.to)
        ? {
            code: 'RECIPIENT_OPTED_OUT',
            field: 'to',
            reason: SuppressionReasons.optedOut,
            message: translate('RECIPIENT_OPTED_OUT', locale),
          }
        : null,
    );
  };

  /**
   * Applies an opt-out or opt-in keyword from an inbound message, inside the inbox's
   * transaction; returns what changed so the caller can announce it after commit.
   */
  async applyKeyword(
    trx: Transaction<Database>,
    change: {
      enterpriseId: string;
      number: string;
      action: 'opt_out' | 'opt_in';
      keyword: string;
      inboundId: string;
    },
  ): Promise<{ added?: SuppressionsTable; removed?: SuppressionsTable }> {
    const auth = systemAuth(`inbound ${change.keyword}`);
    const existing = await trx
      .selectFrom('suppressions')
      .selectAll()
      .where('enterprise_id', '=', change.enterpriseId)
      .where('number', '=', change.number)
      .executeTakeFirst();
    if (change.action === 'opt_out') {
      if (existing) {
        return {};
      }
      const row: SuppressionsTable = {
        id: newId(),
        enterprise_id: change.enterpriseId,
        number: change.number,
        source: 'mo',
        reason: `MO keyword ${change.keyword}`,
        inbound_id: change.inboundId,
        created_by: change.keyword,
        created_at: this.ctx.clock.iso(),
      };
      this.hasAny.delete(row.enterprise_id);
      await trx.insertInto('suppressions').values(row).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'suppression',
        entityId: row.id,
        action: 'create',
        after: row,
        enterpriseId: change.enterpriseId,
      });
      return { added: row };
    }
    if (!existing) {
      return {};
    }
    await trx.deleteFrom('suppressions').where('id', '=', existing.id).execute();
    await this.audit.recordChange(trx, auth, {
      entityType: 'suppression',
      entityId: existing.id,
      action: 'delete',
      before: existing,
      enterpriseId: change.enterpriseId,
    });
    return { removed: existing };
  }

  /** Announces what `applyKeyword` changed (after commit). */
  announce(result: { added?: SuppressionsTable; removed?: SuppressionsTable }): void {
    if (result.added) {
      this.ctx.events.emit('suppression.added', suppressionView(result.added), result.added.enterprise_id);
    }
    if (result.removed) {
      this.ctx.events.emit(
        'suppression.removed',
        suppressionView(result.removed),
        result.removed.enterprise_id,
      );
    }
  }
}
