// MS-9 templates through the HTTP API, and the accept path's prepare hook called directly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { signInAdmin, type SignedIn } from '../../../test/helpers/identity.js';
import { createTenant, type Tenant } from '../../../test/helpers/tenants.js';
import { setupMessaging } from '../../../test/helpers/messaging.js';
import type { Rejection, SendItem } from './messages.contract.js';
import { chooseVariant, compileVariant, renderVariant } from './templates.render.js';

interface Body<T> {
  code: number | string;
  data: T;
  errors?: Array<{ field: string; reason: string; message: string }>;
  pagination?: { total: number };
}
interface Template {
  id: string;
  enterpriseId: string | null;
  isSystem: boolean;
  systemKey: string | null;
  status: string;
  variables: Array<{ name: string; sample?: string }>;
}
interface Preview {
  text: string;
  subject: string | null;
  encoding: string | null;
  segments: number | null;
  variables: string[];
}

let app: TestApp;
let admin: SignedIn;
let a: Tenant;
let b: Tenant;

async function call<T = Record<string, unknown>>(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  who: { headers: Record<string, string> },
  payload?: unknown,
): Promise<{ status: number; body: Body<T> }> {
  const res = await app.inject({
    method,
    url,
    headers: { ...who.headers, 'accept-language': 'en-US' },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
  return { status: res.statusCode, body: res.json<Body<T>>() };
}

/** Runs the accept path's prepare hooks in order, as the accept service does. */
async function prepare(item: SendItem, accountId: string): Promise<SendItem | Rejection> {
  const account = await app.services.customers.sendingContext(accountId);
  if (!account) {
    throw new Error('no sending context');
  }
  let current: SendItem | Rejection = item;
  for (const hook of app.services.messages.hooks.prepare) {
    current = await hook(current, account);
    if ('code' in current) {
      break;
    }
  }
  return current;
}

async function createApproved(
  who: Tenant,
  body: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const created = await call<Template>('POST', '/api/v1/templates', who.admin, {
    name: `t-${Math.random().toString(36).slice(2)}`,
    channel: 'sms',
    variants: [{ language: 'en-US', body }],
    ...extra,
  });
  expect(created.status).toBe(200);
  const approved = await call<Template>(
    'POST',
    `/api/v1/templates/${created.body.data.id}/approve`,
    admin,
    {},
  );
  expect(approved.body.data.status).toBe('approved');
  return created.body.data.id;
}

beforeAll(async () => {
  app = await createTestApp();
  await app.ready();
  admin = await signInAdmin(app);
  a = await createTenant(app);
  b = await createTenant(app);
});
afterAll(async () => {
  await app.services.identity.auth.flushKeyUsage();
  await app.close();
});

describe('MS-9 rendering (LiquidJS, strict)', () => {
  it('renders variables and filters, and names a missing variable instead of printing nothing', async () => {
    const v = compileVariant({ language: 'en', body: 'Hi {{ user.name | upcase }}, code {{ code }}' });
    expect(await renderVariant(v, { user: { name: 'ann' }, code: 42 })).toMatchObject({
      ok: true,
      text: 'Hi ANN, code 42',
    });
    expect(await renderVariant(v, { user: { name: 'ann' } })).toMatchObject({
      ok: false,
      reason: 'missing_variable',
      variable: 'code',
    });
    expect(await renderVariant(v, { user: {}, code: 1 })).toMatchObject({ ok: false, variable: 'user.name' });
  });

  it('cannot include files', async () => {
    const v = compileVariant({ language: 'en', body: '{% include "/etc/passwd" %}' });
    const r = await renderVariant(v, {});
    expect(r.ok).toBe(false);
  });

  it('picks the variant by exact language, then primary language, else the first', () => {
    const vs = [{ language: 'en-US' }, { language: 'zh-CN' }];
    expect(chooseVariant(vs, 'zh-CN').language).toBe('zh-CN');
    expect(chooseVariant(vs, 'zh-TW').language).toBe('zh-CN');
    expect(chooseVariant(vs, 'fr').language).toBe('en-US');
    expect(chooseVariant(vs, undefined).language).toBe('en-US');
  });
});

describe('MS-9 templates API', () => {
  it('creates a draft, detects its variables and previews it with encoding and segment count', async () => {
    const created = await call<Template>('POST', '/api/v1/templates', a.admin, {
      name: 'Login code',
      channel: 'sms',
      variables: [{ name: 'code', description: 'One-time code', sample: '123456' }],
      variants: [
        { language: 'en-US', body: 'Your code is {{ code }}. It expires in {{ minutes }} minutes.' },
        { language: 'zh-CN', body: '您的验证码是 {{ code }}，{{ minutes }} 分钟内有效。' },
      ],
    });
    expect(created.status).toBe(200);
    expect(created.body.data).toMatchObject({
      status: 'draft',
      enterpriseId: a.enterpriseId,
      isSystem: false,
    });
    expect(created.body.data.variables.map((v) => v.name)).toEqual(['code', 'minutes']);

    const id = created.body.data.id;
    const en = await call<Preview>('POST', `/api/v1/templates/${id}/preview`, a.admin, {
      variables: { minutes: 5 },
    });
    expect(en.status).toBe(200);
    expect(en.body.data).toMatchObject({
      text: 'Your code is 123456. It expires in 5 minutes.',
      encoding: 'gsm7',
      segments: 1,
    });
    const zh = await call<Preview>('POST', `/api/v1/templates/${id}/preview`, a.admin, {
      variables: { minutes: 5 },
      language: 'zh-CN',
    });
    expect(zh.body.data).toMatchObject({
      text: '您的验证码是 123456，5 分钟内有效。',
      encoding: 'ucs2',
      segments: 1,
    });

    const long = await call<Preview>('POST', '/api/v1/templates/preview', a.admin, {
      channel: 'sms',
      body: '{{ word }} '.repeat(20),
      variables: { word: 'abcdefghi' },
    });
    expect(long.body.data.segments).toBe(2);
  });

  it('refuses a preview with a missing variable, naming it (422)', async () => {
    const res = await call('POST', '/api/v1/templates/preview', a.admin, {
      channel: 'sms',
      body: 'Hello {{ name }}, your order {{ order_id }} shipped',
      variables: { name: 'Ann' },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      {
        field: 'variables.order_id',
        reason: 'missing_variable',
        message: 'The variable order_id is missing',
      },
    ]);
  });

  it('rejects broken Liquid, unknown filters, duplicate languages and e-mail without subject', async () => {
    const res = await call('POST', '/api/v1/templates', a.admin, {
      name: 'Broken',
      channel: 'email',
      variants: [
        { language: 'en', subject: 'Hi', body: '{{ name | no_such_filter }}' },
        { language: 'EN', body: 'Hello {{ name ' },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.body.errors?.map((e) => `${e.field}:${e.reason}`).sort()).toEqual([
      'variants.0.body:template_syntax',
      'variants.1.body:template_syntax',
      'variants.1.language:duplicate_language',
      'variants.1.subject:required',
    ]);
    expect(
      await app.ctx.db.selectFrom('templates').select('id').where('name', '=', 'Broken').execute(),
    ).toEqual([]);
  });

  it("keeps tenants apart: B never sees or changes A's templates; both see the system templates", async () => {
    const created = await call<Template>('POST', '/api/v1/templates', a.admin, {
      name: 'A only',
      channel: 'sms',
      variants: [{ language: 'en', body: 'A {{ x }}' }],
    });
    const id = created.body.data.id;
    expect((await call('GET', `/api/v1/templates/${id}`, b.admin)).status).toBe(404);
    expect((await call('PATCH', `/api/v1/templates/${id}`, b.admin, { name: 'stolen' })).status).toBe(404);
    expect((await call('DELETE', `/api/v1/templates/${id}`, b.admin)).status).toBe(404);
    expect((await call('POST', `/api/v1/templates/${id}/preview`, b.admin, {})).status).toBe(404);

    const listB = await call<Template[]>('GET', '/api/v1/templates?size=100', b.admin);
    expect(listB.body.data.some((t) => t.id === id)).toBe(false);
    expect(listB.body.data.every((t) => t.enterpriseId === null || t.enterpriseId === b.enterpriseId)).toBe(
      true,
    );
    const system = await call<Template[]>('GET', '/api/v1/templates?scope=system', b.admin);
    expect(system.body.data.map((t) => t.systemKey).sort()).toEqual([
      'collaboration_invite',
      'file_shared',
      'system_alert',
    ]);
    expect(system.body.data.every((t) => t.isSystem && t.status === 'approved')).toBe(true);

    const alert = system.body.data.find((t) => t.systemKey === 'system_alert') as Template;
    const edit = await call('PATCH', `/api/v1/templates/${alert.id}`, b.admin, { name: 'Mine now' });
    expect(edit.status).toBe(403);
    expect(edit.body.code).toBe('TEMPLATE_READ_ONLY');
    expect((await call('DELETE', `/api/v1/templates/${alert.id}`, b.admin)).status).toBe(403);

    const listA = await call<Template[]>('GET', '/api/v1/templates?scope=enterprise&size=100', a.admin);
    expect(listA.body.data.map((t) => t.id)).toContain(id);
  });

  it('goes draft → pending_review → approved; only staff approve; a text change needs approval again', async () => {
    const created = await call<Template>('POST', '/api/v1/templates', a.admin, {
      name: 'Shipping',
      channel: 'sms',
      variants: [{ language: 'en', body: 'Order {{ order }} shipped' }],
    });
    const id = created.body.data.id;
    const item: SendItem = { channel: 'sms', to: '+14155550100', templateId: id, variables: { order: 'A1' } };
    expect(await prepare(item, a.sendingAccountId)).toMatchObject({
      code: 'TEMPLATE_INVALID',
      field: 'templateId',
      reason: 'template_not_approved',
    });

    const submitted = await call<Template>('POST', `/api/v1/templates/${id}/submit`, a.admin);
    expect(submitted.body.data.status).toBe('pending_review');
    const selfApprove = await call('POST', `/api/v1/templates/${id}/approve`, a.admin, {});
    expect(selfApprove.status).toBe(403);
    expect(selfApprove.body.code).toBe('TEMPLATE_REVIEW_STAFF_ONLY');

    const approved = await call<Template & { reviewedBy: string }>(
      'POST',
      `/api/v1/templates/${id}/approve`,
      admin,
      { note: 'fine' },
    );
    expect(approved.body.data).toMatchObject({ status: 'approved', reviewedBy: admin.username });
    expect(await prepare(item, a.sendingAccountId)).toMatchObject({
      text: 'Order A1 shipped',
      templateId: id,
    });

    const renamed = await call<Template>('PATCH', `/api/v1/templates/${id}`, a.admin, {
      name: 'Shipping v2',
    });
    expect(renamed.body.data.status).toBe('approved');
    const edited = await call<Template>('PATCH', `/api/v1/templates/${id}`, a.admin, {
      variants: [{ language: 'en', body: 'Order {{ order }} is on its way' }],
    });
    expect(edited.body.data.status).toBe('draft');
    expect(await prepare(item, a.sendingAccountId)).toMatchObject({ reason: 'template_not_approved' });

    const rejected = await call<Template>('POST', `/api/v1/templates/${id}/reject`, admin, { note: 'no' });
    expect(rejected.body.data.status).toBe('rejected');
    expect((await call('POST', `/api/v1/templates/${id}/reject`, admin, {})).status).toBe(409);
    const log = await app.ctx.db
      .selectFrom('data_change_logs')
      .select('action')
      .where('entity_type', '=', 'template')
      .where('entity_id', '=', id)
      .execute();
    expect(log.length).toBeGreaterThanOrEqual(6);
  });
});

describe('MS-9 templated send (prepare hook)', () => {
  it('rejects a templated item with a missing variable, naming the variable', async () => {
    const id = await createApproved(a, 'Hi {{ name }}, your balance is {{ balance }}');
    const res = await prepare(
      { channel: 'sms', to: '+14155550100', templateId: id, variables: { name: 'Ann' } },
      a.sendingAccountId,
    );
    expect(res).toMatchObject({
      code: 'TEMPLATE_INVALID',
      field: 'variables.balance',
      reason: 'missing_variable',
      message: 'The variable balance is missing',
    });
  });

  it("refuses another enterprise's template, an unknown id and a template of another channel", async () => {
    const id = await createApproved(a, 'Hi {{ name }}');
    const item: SendItem = { channel: 'sms', to: '+14155550100', templateId: id, variables: { name: 'x' } };
    expect(await prepare(item, b.sendingAccountId)).toMatchObject({
      reason: 'template_not_found',
      field: 'templateId',
    });
    expect(
      await prepare({ ...item, templateId: '01900000-0000-7000-8000-000000000000' }, a.sendingAccountId),
    ).toMatchObject({ reason: 'template_not_found' });
    expect(await prepare({ ...item, templateId: 'not-a-uuid' }, a.sendingAccountId)).toMatchObject({
      reason: 'template_not_found',
    });
    expect(
      await prepare({ ...item, channel: 'email', to: 'x@example.com' }, a.sendingAccountId),
    ).toMatchObject({
      reason: 'template_channel_mismatch',
    });
  });

  it('renders a system template for any enterprise, in the language asked for, with its subject', async () => {
    const file = await app.ctx.db
      .selectFrom('templates')
      .select('id')
      .where('system_key', '=', 'file_shared')
      .executeTakeFirstOrThrow();
    const variables = { sender: '李雷', file_name: 'Q3.pdf', link: 'https://f.example.com/s/1' };
    const zh = await prepare(
      {
        channel: 'email',
        to: 'x@example.com',
        templateId: file.id,
        variables: { ...variables, language: 'zh-CN' },
      },
      b.sendingAccountId,
    );
    expect(zh).toMatchObject({
      subject: '李雷 与您共享了文件「Q3.pdf」',
      text: '李雷 与您共享了文件「Q3.pdf」。打开链接查看：https://f.example.com/s/1',
    });
    const en = await prepare(
      {
        channel: 'email',
        to: 'x@example.com',
        templateId: file.id,
        variables: { ...variables, language: 'en' },
      },
      a.sendingAccountId,
    );
    expect(en).toMatchObject({ subject: '李雷 shared "Q3.pdf" with you' });
    // No language: the first variant.
    const first = await prepare(
      { channel: 'email', to: 'x@example.com', templateId: file.id, variables },
      a.sendingAccountId,
    );
    expect(first).toMatchObject({ subject: '李雷 与您共享了文件「Q3.pdf」' });
  });

  it('leaves items without a template alone', async () => {
    const item: SendItem = { channel: 'sms', to: '+14155550100', text: 'plain' };
    expect(await prepare(item, a.sendingAccountId)).toEqual(item);
  });
});

describe('MS-9 templated send through the send API', () => {
  it('rejects POST /api/v1/messages with a missing variable, naming it, and sends when complete', async () => {
    const m = await setupMessaging(app, { smscOptions: { receiptDelayMs: 5 } });
    try {
      const created = await call<Template>('POST', '/api/v1/templates', m.tenant.admin, {
        name: 'Delivery notice',
        channel: 'sms',
        variants: [{ language: 'en', body: 'Parcel {{ parcel }} arrives {{ day }}' }],
      });
      await call('POST', `/api/v1/templates/${created.body.data.id}/approve`, admin, {});
      const missing = await m.send({
        channel: 'sms',
        to: '+447400123123',
        templateId: created.body.data.id,
        variables: { parcel: 'P-1' },
      });
      expect(missing.status).toBe(422);
      expect(missing.json).toMatchObject({
        code: 'TEMPLATE_INVALID',
        errors: [{ field: 'variables.day', reason: 'missing_variable' }],
      });
      const sent = await m.send({
        channel: 'sms',
        to: '+447400123123',
        templateId: created.body.data.id,
        variables: { parcel: 'P-1', day: 'today' },
      });
      expect(sent.status, JSON.stringify(sent.json)).toBe(201);
      const sentBody = sent.json as { data: { id: string } };
      const done: unknown = await m.waitFinal(sentBody.data.id);
      expect(done).toMatchObject({ text: 'Parcel P-1 arrives today', templateId: created.body.data.id });
    } finally {
      await m.smsc.stop();
    }
  });
});
