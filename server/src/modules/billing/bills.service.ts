// Bills (BL-5): a statement per enterprise and period (dates in the tenant's time zone) with
// line items by channel and country, built from the ledger's charges and refunds so the
// totals reconcile with it; CSV and XLSX export.
import ExcelJS from 'exceljs';
import type { AppContext } from '../../context.js';
import type { AuditLog } from '../../platform/audit/audit.js';
import { assertTenant, tenantFilter, type AuthContext } from '../../platform/auth/auth-context.js';
import { errors } from '../../platform/http/errors.js';
import { fetchPage } from '../../platform/http/pagination.js';
import type { Pagination } from '../../platform/http/envelope.js';
import { csvLine } from '../../platform/http/csv.js';
import { newId } from '../../platform/ids.js';
import type { BillItemsTable, BillsTable } from './billing.tables.js';
import { formatMicro, nextDay, startOfZonedDay } from './money.js';
import { BillErrors, BillReasons, LedgerErrors } from './billing.errors.js';

export interface BillItemView {
  channel: string;
  country: string;
  messages: number;
  quantity: number;
  charges: number;
  refunds: number;
  total: number;
}

export interface BillView {
  id: string;
  enterpriseId: string;
  periodFrom: string;
  periodTo: string;
  timezone: string;
  startsAt: string;
  endsAt: string;
  currency: string;
  charges: number;
  refunds: number;
  total: number;
  createdAt: string;
  items: BillItemView[];
}

function itemView(i: BillItemsTable): BillItemView {
  return {
    channel: i.channel,
    country: i.country,
    messages: Number(i.messages),
    quantity: Number(i.quantity),
    charges: Number(i.charges),
    refunds: Number(i.refunds),
    total: Number(i.total),
  };
}

function billView(b: BillsTable, items: BillItemsTable[]): BillView {
  return {
    id: b.id,
    enterpriseId: b.enterprise_id,
    periodFrom: b.period_from,
    periodTo: b.period_to,
    timezone: b.timezone,
    startsAt: b.starts_at,
    endsAt: b.ends_at,
    currency: b.currency,
    charges: Number(b.charges),
    refunds: Number(b.refunds),
    total: Number(b.total),
    createdAt: b.created_at,
    items: items.map(itemView),
  };
}

export class BillService {
  constructor(
    private readonly ctx: AppContext,
    private readonly audit: AuditLog,
  ) {}

  /** Generates (and stores) the statement of `from`…`to` inclusive, dates in the tenant's zone. */
  async generate(
    auth: AuthContext,
    input: { enterpriseId: string; from: string; to: string },
  ): Promise<BillView> {
    const ent = await this.ctx.db
      .selectFrom('enterprises')
      .select(['id', 'currency', 'timezone'])
      .where('id', '=', input.enterpriseId)
      .executeTakeFirst();
    if (!ent) {
      throw LedgerErrors.enterpriseNotFound();
    }
    assertTenant(auth, ent.id, 'ENTERPRISE_NOT_FOUND');
    if (input.to < input.from) {
      throw errors.invalid([{ field: 'to', reason: BillReasons.badPeriod }]);
    }
    const startsAt = new Date(startOfZonedDay(input.from, ent.timezone)).toISOString();
    const endsAt = new Date(startOfZonedDay(nextDay(input.to), ent.timezone)).toISOString();
    const grouped = await this.ctx.db
      .selectFrom('ledger_entries')
      .select((eb) => [
        'channel',
        'country',
        'entry_type',
        eb.fn.countAll<number>().as('n'),
        eb.fn.sum<number>('quantity').as('quantity'),
        eb.fn.sum<number>('amount').as('amount'),
      ])
      .where('enterprise_id', '=', ent.id)
      .where('entry_type', 'in', ['charge', 'refund'])
      .where('created_at', '>=', startsAt)
      .where('created_at', '<', endsAt)
      .groupBy(['channel', 'country', 'entry_type'])
      .execute();
    const billId = newId();
    const items = new Map<string, BillItemsTable>();
    for (const g of grouped) {
      const channel = g.channel ?? '';
      const country = g.country ?? '';
      const k = `${channel}|${country}`;
      const item = items.get(k) ?? {
        id: newId(),
        bill_id: billId,
        channel,
        country,
        messages: 0,
        quantity: 0,
        charges: 0,
        refunds: 0,
        total: 0,
      };
      const amount = Number(g.amount ?? 0);
      if (g.entry_type === 'charge') {
        item.messages += Number(g.n);
        item.quantity += Number(g.quantity ?? 0);
        item.charges += -amount;
      } else {
        item.refunds += amount;
      }
      item.total = item.charges - item.refunds;
      items.set(k, item);
    }
    const list = [...items.values()].sort((a, b) =>
      a.channel === b.channel ? a.country.localeCompare(b.country) : a.channel.localeCompare(b.channel),
    );
    const bill: BillsTable = {
      id: billId,
      enterprise_id: ent.id,
      period_from: input.from,
      period_to: input.to,
      timezone: ent.timezone,
      starts_at: startsAt,
      ends_at: endsAt,
      currency: ent.currency,
      charges: list.reduce((s, i) => s + i.charges, 0),
      refunds: list.reduce((s, i) => s + i.refunds, 0),
      total: list.reduce((s, i) => s + i.total, 0),
      created_by: auth.kind === 'user' ? auth.actorId : null,
      created_at: this.ctx.clock.iso(),
    };
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.insertInto('bills').values(bill).execute();
      if (list.length) {
        await trx.insertInto('bill_items').values(list).execute();
      }
      await this.audit.recordChange(trx, auth, {
        entityType: 'bill',
        entityId: bill.id,
        action: 'create',
        after: bill,
        enterpriseId: ent.id,
      });
    });
    return billView(bill, list);
  }

  async get(auth: AuthContext, id: string): Promise<BillView> {
    const bill = await this.ctx.db.selectFrom('bills').selectAll().where('id', '=', id).executeTakeFirst();
    if (!bill) {
      throw BillErrors.notFound();
    }
    assertTenant(auth, bill.enterprise_id, 'BILL_NOT_FOUND');
    const items = await this.ctx.db
      .selectFrom('bill_items')
      .selectAll()
      .where('bill_id', '=', id)
      .orderBy('channel')
      .orderBy('country')
      .execute();
    return billView(bill, items);
  }

  async list(
    auth: AuthContext,
    q: { page: number; size: number; enterpriseId?: string },
  ): Promise<{ items: Array<Omit<BillView, 'items'>>; pagination: Pagination }> {
    let base = this.ctx.db.selectFrom('bills').selectAll();
    const own = tenantFilter(auth);
    if (own !== null) {
      base = base.where('enterprise_id', '=', own);
    } else if (q.enterpriseId) {
      base = base.where('enterprise_id', '=', q.enterpriseId);
    }
    const page = await fetchPage(base, q, (qb) => qb.orderBy('created_at', 'desc').orderBy('id', 'desc'));
    return {
      items: page.items.map((b) => {
        const { items: _items, ...rest } = billView(b, []);
        return rest;
      }),
      pagination: page.pagination,
    };
  }

  private rows(b: BillView): unknown[][] {
    return [
      ...b.items.map((i) => [
        i.channel,
        i.country,
        i.messages,
        i.quantity,
        formatMicro(i.charges),
        formatMicro(i.refunds),
        formatMicro(i.total),
      ]),
      ['total', '', '', '', formatMicro(b.charges), formatMicro(b.refunds), formatMicro(b.total)],
    ];
  }

  private static readonly HEADER = [
    'channel',
    'country',
    'messages',
    'quantity',
    'charges',
    'refunds',
    'total',
  ];

  async exportCsv(auth: AuthContext, id: string): Promise<{ name: string; body: string }> {
    const b = await this.get(auth, id);
    let body = '\uFEFF' + csvLine(BillService.HEADER);
    for (const r of this.rows(b)) {
      body += csvLine(r);
    }
    return { name: `bill-${b.periodFrom}-${b.periodTo}.csv`, body };
  }

  async exportXlsx(auth: AuthContext, id: string): Promise<{ name: string; body: Buffer }> {
    const b = await this.get(auth, id);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Bill');
    ws.addRow(['enterprise', b.enterpriseId]);
    ws.addRow(['period', `${b.periodFrom} – ${b.periodTo} (${b.timezone})`]);
    ws.addRow(['currency', b.currency]);
    ws.addRow([]);
    ws.addRow(BillService.HEADER);
    for (const r of this.rows(b)) {
      ws.addRow(r);
    }
    const data = await wb.xlsx.writeBuffer();
    return { name: `bill-${b.periodFrom}-${b.periodTo}.xlsx`, body: Buffer.from(data) };
  }
}
