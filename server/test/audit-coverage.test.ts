// OP-4: every mutating API call leaves exactly one operation-log entry, whatever its outcome.
// The test reads the route table, so new mutating routes are covered automatically.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { signInAdmin, type SignedIn } from './helpers/identity.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

describe('OP-4 operation log covers every mutating route', () => {
  let app: TestApp;
  let admin: SignedIn;
  beforeAll(async () => {
    app = await createTestApp();
    await app.ready();
    admin = await signInAdmin(app);
  });
  afterAll(async () => {
    await app.close();
  });

  it('writes exactly one entry per mutating call, with actor, action, result and duration', async () => {
    const routes = app.ctx.routes.filter(
      (r) => r.url.startsWith('/api/') && MUTATING.has(r.method) && r.config.audit !== false,
    );
    expect(routes.length).toBeGreaterThan(15);
    const calls: Array<{
      requestId: string;
      route: string;
      status: number;
      anonymous: boolean;
      isPublic: boolean;
    }> = [];
    let n = 0;
    for (const r of routes) {
      for (const anonymous of [false, true]) {
        const requestId = `audit-cover-${n++}`;
        const res = await app.inject({
          method: r.method as 'POST',
          url: r.url.replace(/:[A-Za-z]+/g, '01900000-0000-7000-8000-000000000000'),
          headers: { 'x-request-id': requestId, ...(anonymous ? {} : admin.headers) },
          payload: r.method === 'DELETE' ? undefined : {},
        });
        calls.push({
          requestId,
          route: `${r.method} ${r.url}`,
          status: res.statusCode,
          anonymous,
          isPublic: r.config.public === true,
        });
      }
    }
    await app.services.audit.flush();
    const entries = await app.ctx.db
      .selectFrom('operation_logs')
      .selectAll()
      .where('request_id', 'like', 'audit-cover-%')
      .execute();
    const byRequest = new Map<string, typeof entries>();
    for (const e of entries) {
      byRequest.set(e.request_id, [...(byRequest.get(e.request_id) ?? []), e]);
    }
    const wrong = calls
      .filter((c) => (byRequest.get(c.requestId)?.length ?? 0) !== 1)
      .map((c) => `${c.route} (${c.requestId}) → ${byRequest.get(c.requestId)?.length ?? 0}`);
    expect(wrong).toEqual([]);
    for (const c of calls) {
      const e = (byRequest.get(c.requestId) ?? [])[0];
      expect(e?.status_code).toBe(c.status);
      expect(e?.result).toBe(c.status < 400 ? 'success' : 'failure');
      expect(e?.duration_ms).toBeGreaterThanOrEqual(0);
      // Public routes (sign-in) carry no session: their actor is the name they were called with.
      if (!c.anonymous && !c.isPublic && c.status !== 401) {
        expect(e?.actor_name).toBe(admin.username);
      }
    }
  });

  it('records a successful create with its target id and a data-change entry with before/after', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/identity/departments',
      headers: { ...admin.headers, 'x-request-id': 'audit-create-1' },
      payload: { name: 'Ops' },
    });
    expect(res.statusCode).toBe(200);
    const id = res.json<{ data: { id: string } }>().data.id;
    await app.services.audit.flush();
    const op = await app.ctx.db
      .selectFrom('operation_logs')
      .selectAll()
      .where('request_id', '=', 'audit-create-1')
      .executeTakeFirstOrThrow();
    expect(op).toMatchObject({
      action: 'identity:department:create',
      target_id: id,
      result: 'success',
      actor_type: 'user',
    });
    const change = await app.ctx.db
      .selectFrom('data_change_logs')
      .selectAll()
      .where('entity_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(change.action).toBe('create');
    expect(JSON.parse(change.after ?? '{}')).toMatchObject({ name: 'Ops' });
    const list = await app.inject({
      url: `/api/v1/audit/data-changes?entityId=${id}`,
      headers: admin.headers,
    });
    expect(list.json<{ data: Array<{ entityId: string }> }>().data[0]?.entityId).toBe(id);
    const csv = await app.inject({
      url: '/api/v1/audit/operations/export?action=identity:department:create',
      headers: admin.headers,
    });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain('identity:department:create');
    expect(csv.body.split('\r\n')[0]).toContain('actorName');
  });
});
