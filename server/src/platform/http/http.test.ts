import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { EnvelopeOf, ok } from './envelope.js';

describe('SPEC §16 envelope and errors', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
    app.withTypeProvider<TypeBoxTypeProvider>().post(
      '/api/v1/test/echo',
      {
        config: { public: true },
        schema: {
          body: Type.Object({ name: Type.String({ minLength: 2 }), count: Type.Integer({ minimum: 1 }) }),
          response: { 200: EnvelopeOf(Type.Object({ name: Type.String(), count: Type.Integer() })) },
        },
      },
      async (request) => ok(request.body),
    );
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });

  it('wraps success in the envelope', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/test/echo',
      payload: { name: 'ab', count: 2 },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ code: number; message: string; data: unknown; timestamp: string }>();
    expect(body.code).toBe(200);
    expect(body.data).toEqual({ name: 'ab', count: 2 });
    expect(Date.parse(body.timestamp)).not.toBeNaN();
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it('answers malformed JSON with 400 INVALID_JSON', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/test/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": "ab",',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ code: string }>().code).toBe('INVALID_JSON');
  });

  it('names the field of a wrong type with 422', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/test/echo',
      payload: { name: 'ab', count: '3' },
    });
    expect(res.statusCode).toBe(422);
    const body = res.json<{
      code: string;
      errors: Array<{ field: string; reason: string; message: string }>;
    }>();
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.errors).toEqual([{ field: 'count', reason: 'type', message: 'must be of type integer' }]);
  });

  it('names a missing field in Chinese with Accept-Language: zh-CN', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/test/echo',
      headers: { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' },
      payload: { name: 'ab' },
    });
    expect(res.statusCode).toBe(422);
    const body = res.json<{
      message: string;
      errors: Array<{ field: string; reason: string; message: string }>;
    }>();
    expect(body.errors).toEqual([{ field: 'count', reason: 'required', message: '为必填项' }]);
    expect(body.message).toBe('数据验证失败：count 为必填项');
  });

  it('answers an unknown route with a 404 envelope', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json<{ code: string }>().code).toBe('ROUTE_NOT_FOUND');
  });

  it('serves health, readiness, metrics and the OpenAPI document', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json<{ checks: Record<string, string> }>().checks.database).toBe('ok');
    const metrics = await app.inject('/metrics');
    expect(metrics.body).toContain('pigeon_http_request_duration_seconds');
    expect(metrics.body).toContain('pigeon_nodejs_eventloop_lag');
    const doc = (await app.inject('/api/openapi.json')).json<{
      openapi: string;
      paths: Record<string, unknown>;
    }>();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.paths).toHaveProperty('/api/v1/system/info');
    const ui = await app.inject('/api/docs/');
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
  });
});
