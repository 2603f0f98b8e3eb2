// The suppression list through the HTTP API (MS-7): add with a reason, list, remove, CSV import
// (all or nothing, line-numbered errors) and export, tenant scoping, and the accept path's check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { signInAdmin, type SignedIn } from '../../../test/helpers/identity.js';
import { createTenant, type Tenant } from '../../../test/helpers/tenants.js';
import type { ValidItem } from './messages.contract.js';
import type { SuppressionView } from './suppression.schemas.js';

let app: TestApp;
let admin: SignedIn;
let a: Tenant;
let b: Tenant;

interface Res<T> {
  status: number;
  body: string;
  json: {
    data: T;
    pagination?: { total: number; pages: number };
    errors?: Array<{ field: string; reason: string; message: string }>;
  };
}

async function api<T>(
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = admin.headers,
): Promise<Res<T>> {
  const res = await app.inject({ method, url, headers, payload: payload as object });
  return { status: res.statusCode, body: res.body, json: res.json() };
}

function item(index: number, to: string, channel: 'sms' | 'email' = 'sms'): ValidItem {
  return { index, item: { channel, to, text: 'hello' }, to, country: 'GB' };
}

beforeAll(async () => {
  app = await createTestApp();
  await app.ready();
  admin = await signInAdmin(app);
  a = await createTenant(app);
  b = await createTenant(app);
});
afterAll(async () => {
  await app.close();
});

describe('MS-7 suppression list API', () => {
  it('adds a number with a reason, normalized to E.164, and refuses duplicates and bad numbers', async () => {
    const added = await api<SuppressionView>(
      'POST',
      '/api/v1/suppressions',
      { number: '0044 7912 345 678', reason: 'asked by phone' },
      a.admin.headers,
    );
    expect(added.status, added.body).toBe(200);
    expect(added.json.data).toMatchObject({
      enterpriseId: a.enterpriseId,
      number: '+447912345678',
      source: 'manual',
      reason: 'asked by phone',
    });
    const again = await api('POST', '/api/v1/suppressions', { number: '+447912345678' }, a.admin.headers);
    expect(again.status).toBe(409);
    const bad = await api('POST', '/api/v1/suppressions', { number: '12345' }, a.admin.headers);
    expect(bad.status).toBe(422);
    expect(bad.json.errors).toMatchObject([{ field: 'number', reason: 'invalid_number' }]);
    // Staff must say which enterprise.
    const noEnterprise = await api('POST', '/api/v1/suppressions', { number: '+447912345679' });
    expect(noEnterprise.status).toBe(422);
    expect(noEnterprise.json.errors?.[0]?.field).toBe('enterpriseId');
  });

  it("lists an enterprise's numbers with page pagination and a number search, never another tenant's", async () => {
    for (const n of ['+447912000001', '+447912000002', '+447912000003']) {
      expect(
        (await api('POST', '/api/v1/suppressions', { number: n, enterpriseId: b.enterpriseId })).status,
      ).toBe(200);
    }
    const page = await api<SuppressionView[]>(
      'GET',
      '/api/v1/suppressions?size=2&page=1',
      undefined,
      b.admin.headers,
    );
    expect(page.status).toBe(200);
    expect(page.json.data).toHaveLength(2);
    expect(page.json.pagination).toMatchObject({ total: 3, pages: 2 });
    const search = await api<SuppressionView[]>(
      'GET',
      '/api/v1/suppressions?number=000002',
      undefined,
      b.admin.headers,
    );
    expect(search.json.data.map((s) => s.number)).toEqual(['+447912000002']);
    const asA = await api<SuppressionView[]>(
      'GET',
      '/api/v1/suppressions?size=100',
      undefined,
      a.admin.headers,
    );
    expect(asA.json.data.every((s) => s.enterpriseId === a.enterpriseId)).toBe(true);
    const staff = await api<SuppressionView[]>('GET', `/api/v1/suppressions?enterpriseId=${b.enterpriseId}`);
    expect(staff.json.data).toHaveLength(3);
  });

  it('removes a number; another tenant gets 404', async () => {
    const added = await api<SuppressionView>(
      'POST',
      '/api/v1/suppressions',
      { number: '+447912000099' },
      a.admin.headers,
    );
    const foreign = await api(
      'DELETE',
      `/api/v1/suppressions/${added.json.data.id}`,
      undefined,
      b.admin.headers,
    );
    expect(foreign.status).toBe(404);
    const removed = await api(
      'DELETE',
      `/api/v1/suppressions/${added.json.data.id}`,
      undefined,
      a.admin.headers,
    );
    expect(removed.status).toBe(200);
    const left = await api<SuppressionView[]>(
      'GET',
      '/api/v1/suppressions?number=000099',
      undefined,
      a.admin.headers,
    );
    expect(left.json.data).toEqual([]);
  });

  it('rejects a CSV import with line-numbered errors and applies nothing', async () => {
    const csv = [
      'number,reason',
      '+447955000001,complaint',
      '+447955000002,',
      'not-a-number,oops',
      '+447955000003,fine',
      '0044 7955 000001,again',
      '+447955000004,a,b',
    ].join('\n');
    const res = await api('POST', '/api/v1/suppressions/import', { csv }, a.admin.headers);
    expect(res.status).toBe(422);
    expect(res.json.errors?.map((e) => [e.field, e.reason])).toEqual([
      ['line 4', 'invalid_number'],
      ['line 6', 'suppression_csv_duplicate'],
      ['line 7', 'suppression_csv_columns'],
    ]);
    expect(res.json.errors?.[1]?.message).toContain('2');
    const listed = await api<SuppressionView[]>(
      'GET',
      '/api/v1/suppressions?number=7955',
      undefined,
      a.admin.headers,
    );
    expect(listed.json.data).toEqual([]);

    const header = await api(
      'POST',
      '/api/v1/suppressions/import',
      { csv: 'phone\n+447955000001' },
      a.admin.headers,
    );
    expect(header.status).toBe(422);
    expect(header.json.errors?.[0]).toMatchObject({ field: 'line 1', reason: 'suppression_csv_header' });
  });

  it('imports a CSV, skipping numbers already listed, and exports the list as CSV', async () => {
    await api('POST', '/api/v1/suppressions', { number: '+447966000001' }, a.admin.headers);
    const csv =
      '\uFEFFnumber,reason\r\n+447966000001,dup\r\n+447966000002,"complaint, by mail"\r\n+447966000003\r\n';
    const res = await api<{ imported: number; skipped: number }>(
      'POST',
      '/api/v1/suppressions/import',
      { csv },
      a.admin.headers,
    );
    expect(res.status, res.body).toBe(200);
    expect(res.json.data).toEqual({ imported: 2, skipped: 1 });

    const out = await app.inject({
      method: 'GET',
      url: '/api/v1/suppressions/export',
      headers: a.admin.headers,
    });
    expect(out.statusCode).toBe(200);
    expect(out.headers['content-type']).toContain('text/csv');
    const lines = out.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('number,reason,source,createdAt,enterpriseId');
    // Cells starting with "+" are prefixed with "'" so spreadsheets do not read formulas.
    expect(lines.some((l) => l.startsWith(`'+447966000002,"complaint, by mail",import,`))).toBe(true);
    expect(lines.some((l) => l.includes(b.enterpriseId))).toBe(false);
    // The export is the import format: it can be imported again (everything skipped).
    const round = await api<{ imported: number; skipped: number }>(
      'POST',
      '/api/v1/suppressions/import',
      { csv: lines.map((l) => l.split(',').slice(0, 1).join(',')).join('\n') },
      a.admin.headers,
    );
    expect(round.status, round.body).toBe(200);
    expect(round.json.data.imported).toBe(0);
  });
});

describe('MS-7 the accept path check', () => {
  it('is registered on the messages hooks and rejects SMS to a suppressed number with recipient_opted_out', async () => {
    const { suppressions } = app.services.messages;
    expect(app.services.messages.hooks.check).toContain(suppressions.check);
    await api('POST', '/api/v1/suppressions', { number: '+447977000001' }, a.admin.headers);
    const ctxA = await app.services.customers.sendingContext(a.sendingAccountId);
    const ctxB = await app.services.customers.sendingContext(b.sendingAccountId);
    if (!ctxA || !ctxB) {
      throw new Error('no sending context');
    }
    const items = [
      item(0, '+447977000001'),
      item(1, '+447977000002'),
      item(2, 'someone@example.com', 'email'),
    ];
    const forA = await suppressions.check(items, ctxA);
    expect(forA[0]).toMatchObject({
      code: 'RECIPIENT_OPTED_OUT',
      field: 'to',
      reason: 'recipient_opted_out',
    });
    expect(forA[0]?.message).not.toBe('');
    expect(forA.slice(1)).toEqual([null, null]);
    expect(await suppressions.check(items, ctxB)).toEqual([null, null, null]);
  });

  it('asks the database once per batch (after learning whether the list is empty)', async () => {
    const { suppressions } = app.services.messages;
    const ctxA = await app.services.customers.sendingContext(a.sendingAccountId);
    if (!ctxA) {
      throw new Error('no sending context');
    }
    const items = Array.from({ length: 300 }, (_, i) => item(i, `+4479780${String(i).padStart(5, '0')}`));
    await suppressions.check(items.slice(0, 1), ctxA);
    let queries = 0;
    const original = app.ctx.db.selectFrom.bind(app.ctx.db);
    const spy = ((...args: Parameters<typeof original>) => {
      queries++;
      return original(...args);
    }) as typeof original;
    app.ctx.db.selectFrom = spy;
    try {
      const out = await suppressions.check(items, ctxA);
      expect(out).toHaveLength(300);
    } finally {
      app.ctx.db.selectFrom = original;
    }
    expect(queries).toBe(1);
  });
});
