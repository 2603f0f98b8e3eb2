// Audit queries (OP-4): operation log, data-change log and login log with filters, cursor
// pagination and streamed CSV export. Customers see their own tenant's entries only.
import { Type, type Static } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { SelectQueryBuilder } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database } from '../../platform/db/schema.js';
import { CursorPageOf, cursorPaged } from '../../platform/http/envelope.js';
import { cursorPage, decodeCursor, encodeCursor } from '../../platform/http/pagination.js';
import { Nullable, Timestamp } from '../../platform/http/schemas.js';
import { csvStream } from '../../platform/http/csv.js';
import { tenantFilter, type AuthContext } from '../../platform/auth/auth-context.js';
import { authOf } from '../../platform/auth/guard.js';

const Range = {
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  enterpriseId: Type.Optional(Type.String({ format: 'uuid' })),
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
  size: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
};

const OperationQuery = Type.Object({
  ...Range,
  actor: Type.Optional(Type.String({ maxLength: 100 })),
  action: Type.Optional(Type.String({ maxLength: 100 })),
  result: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failure')])),
  targetId: Type.Optional(Type.String({ maxLength: 100 })),
});
const DataChangeQuery = Type.Object({
  ...Range,
  entityType: Type.Optional(Type.String({ maxLength: 50 })),
  entityId: Type.Optional(Type.String({ maxLength: 100 })),
  actor: Type.Optional(Type.String({ maxLength: 100 })),
});
const LoginQuery = Type.Object({
  ...Range,
  username: Type.Optional(Type.String({ maxLength: 100 })),
  success: Type.Optional(Type.Boolean()),
  ip: Type.Optional(Type.String({ maxLength: 50 })),
});

const OperationEntry = Type.Object({
  id: Type.String(),
  requestId: Type.String(),
  actorType: Type.String(),
  actorId: Nullable(Type.String()),
  actorName: Type.String(),
  enterpriseId: Nullable(Type.String()),
  action: Type.String(),
  method: Type.String(),
  route: Type.String(),
  path: Type.String(),
  targetId: Nullable(Type.String()),
  ip: Type.String(),
  userAgent: Type.String(),
  statusCode: Type.Integer(),
  result: Type.String(),
  errorCode: Nullable(Type.String()),
  durationMs: Type.Integer(),
  createdAt: Timestamp,
});
const DataChangeEntry = Type.Object({
  id: Type.String(),
  requestId: Nullable(Type.String()),
  actorId: Nullable(Type.String()),
  actorName: Type.String(),
  enterpriseId: Nullable(Type.String()),
  entityType: Type.String(),
  entityId: Type.String(),
  action: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown(),
  createdAt: Timestamp,
});
const LoginEntry = Type.Object({
  id: Type.String(),
  userId: Nullable(Type.String()),
  username: Type.String(),
  enterpriseId: Nullable(Type.String()),
  channel: Type.String(),
  ip: Type.String(),
  userAgent: Type.String(),
  success: Type.Boolean(),
  reason: Type.String(),
  createdAt: Timestamp,
});

type Tables = 'operation_logs' | 'data_change_logs' | 'login_logs';

/** Tenant, time range and cursor conditions shared by the three logs (newest first). */
function common<T extends Tables, O>(
  qb: SelectQueryBuilder<Database, T, O>,
  auth: AuthContext,
  q: { from?: string; to?: string; enterpriseId?: string; cursor?: string },
): SelectQueryBuilder<Database, T, O> {
  // The three tables share these columns; Kysely cannot see that through the union.
  let x = qb as unknown as SelectQueryBuilder<Database, 'operation_logs', O>;
  const tenant = tenantFilter(auth);
  if (tenant !== null) {
    x = x.where('enterprise_id', '=', tenant);
  } else if (q.enterpriseId) {
    x = x.where('enterprise_id', '=', q.enterpriseId);
  }
  if (q.from) {
    x = x.where('created_at', '>=', new Date(q.from).toISOString());
  }
  if (q.to) {
    x = x.where('created_at', '<', new Date(q.to).toISOString());
  }
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    const at = String(c.sortKey);
    x = x.where((eb) =>
      eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', c.id)])]),
    );
  }
  return x.orderBy('created_at', 'desc').orderBy('id', 'desc') as unknown as SelectQueryBuilder<
    Database,
    T,
    O
  >;
}

const json = (s: string | null): unknown => (s === null ? null : JSON.parse(s));

export function registerAuditRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['audit'];

  const operations = (auth: AuthContext, q: Static<typeof OperationQuery>) => {
    let qb = common(ctx.db.selectFrom('operation_logs').selectAll(), auth, q);
    if (q.actor) {
      qb = qb.where('actor_name', '=', q.actor);
    }
    if (q.action) {
      qb = qb.where('action', '=', q.action);
    }
    if (q.result) {
      qb = qb.where('result', '=', q.result);
    }
    if (q.targetId) {
      qb = qb.where('target_id', '=', q.targetId);
    }
    return qb;
  };
  const opView = (e: Database['operation_logs']) => ({
    id: e.id,
    requestId: e.request_id,
    actorType: e.actor_type,
    actorId: e.actor_id,
    actorName: e.actor_name,
    enterpriseId: e.enterprise_id,
    action: e.action,
    method: e.method,
    route: e.route,
    path: e.path,
    targetId: e.target_id,
    ip: e.ip,
    userAgent: e.user_agent,
    statusCode: e.status_code,
    result: e.result,
    errorCode: e.error_code,
    durationMs: e.duration_ms,
    createdAt: e.created_at,
  });

  const changes = (auth: AuthContext, q: Static<typeof DataChangeQuery>) => {
    let qb = common(ctx.db.selectFrom('data_change_logs').selectAll(), auth, q);
    if (q.entityType) {
      qb = qb.where('entity_type', '=', q.entityType);
    }
    if (q.entityId) {
      qb = qb.where('entity_id', '=', q.entityId);
    }
    if (q.actor) {
      qb = qb.where('actor_name', '=', q.actor);
    }
    return qb;
  };
  const changeView = (e: Database['data_change_logs']) => ({
    id: e.id,
    requestId: e.request_id,
    actorId: e.actor_id,
    actorName: e.actor_name,
    enterpriseId: e.enterprise_id,
    entityType: e.entity_type,
    entityId: e.entity_id,
    action: e.action,
    before: json(e.before),
    after: json(e.after),
    createdAt: e.created_at,
  });

  const logins = (auth: AuthContext, q: Static<typeof LoginQuery>) => {
    let qb = common(ctx.db.selectFrom('login_logs').selectAll(), auth, q);
    if (q.username) {
      qb = qb.where('username', '=', q.username);
    }
    if (q.success !== undefined) {
      qb = qb.where('success', '=', q.success ? 1 : 0);
    }
    if (q.ip) {
      qb = qb.where('ip', '=', q.ip);
    }
    return qb;
  };
  const loginView = (e: Database['login_logs']) => ({
    id: e.id,
    userId: e.user_id,
    username: e.username,
    enterpriseId: e.enterprise_id,
    channel: e.channel,
    ip: e.ip,
    userAgent: e.user_agent,
    success: e.success === 1,
    reason: e.reason,
    createdAt: e.created_at,
  });

  /** Reads a whole filtered log in pages of 1 000 for export, up to 1 000 000 rows. */
  async function* allPages<R extends { created_at: string; id: string }>(
    build: (cursor?: string) => { limit(n: number): { execute(): Promise<R[]> } },
  ): AsyncGenerator<R[]> {
    let cursor: string | undefined;
    for (let n = 0; n < 1000; n++) {
      const rows = await build(cursor).limit(1000).execute();
      if (rows.length === 0) {
        return;
      }
      yield rows;
      const last = rows[rows.length - 1] as R;
      cursor = encodeCursor(last.created_at, last.id);
      if (rows.length < 1000) {
        return;
      }
    }
  }

  // Each log: a paginated list and a streamed CSV export with the same filters.
  const logs = [
    {
      path: 'operations',
      perm: 'audit:operation',
      query: OperationQuery,
      item: OperationEntry,
      build: operations,
      view: opView,
      summary: 'Operation log',
    },
    {
      path: 'data-changes',
      perm: 'audit:data-change',
      query: DataChangeQuery,
      item: DataChangeEntry,
      build: changes,
      view: changeView,
      summary: 'Data-change log (before/after values)',
    },
    {
      path: 'logins',
      perm: 'audit:login',
      query: LoginQuery,
      item: LoginEntry,
      build: logins,
      view: loginView,
      summary: 'Login log',
    },
  ] as const;

  for (const log of logs) {
    const build = log.build as unknown as (
      auth: AuthContext,
      q: Record<string, unknown>,
    ) => SelectQueryBuilder<Database, Tables, { id: string; created_at: string }>;
    const view = log.view as (row: unknown) => Record<string, unknown>;
    r.get(
      `/api/v1/audit/${log.path}`,
      {
        config: { permission: `${log.perm}:read` },
        schema: {
          tags,
          summary: log.summary,
          querystring: log.query,
          response: { 200: CursorPageOf(log.item) },
        },
      },
      async (request) => {
        const q = request.query as Record<string, unknown> & { size: number };
        const rows = await build(authOf(request), q)
          .limit(q.size + 1)
          .execute();
        const page = cursorPage(rows, q.size, (row) => ({ sortKey: row.created_at, id: row.id }));
        // The item schema differs per log; the view functions above produce exactly it.
        return cursorPaged(page.items.map(view), { nextCursor: page.nextCursor, size: q.size }) as never;
      },
    );
    r.get(
      `/api/v1/audit/${log.path}/export`,
      {
        config: { permission: `${log.perm}:export` },
        schema: {
          tags,
          summary: `${log.summary}: CSV export with the same filters`,
          querystring: log.query,
          produces: ['text/csv'],
        },
      },
      async (request, reply) => {
        const auth = authOf(request);
        const q = request.query as Record<string, unknown>;
        const pages = allPages((cursor) => build(auth, { ...q, cursor }));
        const viewed = (async function* () {
          for await (const p of pages) {
            yield p.map(view);
          }
        })();
        const columns = Object.keys(log.item.properties).map((k) => ({
          header: k,
          value: (row: Record<string, unknown>) => row[k],
        }));
        void reply.header('content-type', 'text/csv; charset=utf-8');
        void reply.header(
          'content-disposition',
          `attachment; filename="${log.path}-${new Date().toISOString().slice(0, 10)}.csv"`,
        );
        return reply.send(csvStream(columns, viewed));
      },
    );
  }
}
