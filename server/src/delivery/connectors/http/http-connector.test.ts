// The HTTP connector against a real local HTTP server playing an SMS provider's REST API.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryReceipt } from '../types.js';
import { HttpConnector, parseHttpReceipts, type HttpConnectorOptions } from './http-connector.js';
import { getPath, renderTemplate } from './template.js';

interface Captured {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) {
    await cleanups.pop()?.();
  }
});

/** A provider: answers by the recipient number's prefix, and records every request. */
async function startProvider(): Promise<{ base: string; requests: Captured[] }> {
  const requests: Captured[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const reply = (status: number, json: unknown, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(json));
      };
      if (req.url === '/health') {
        reply(200, { ok: true });
        return;
      }
      if (req.url === '/down') {
        reply(503, { ok: false });
        return;
      }
      const to = (() => {
        try {
          return String((JSON.parse(body) as { to?: string }).to ?? '');
        } catch {
          return new URLSearchParams(body).get('to') ?? '';
        }
      })();
      if (to.startsWith('+400')) {
        reply(400, { status: 'error', error: { code: 'INVALID_NUMBER', message: 'no such number' } });
      } else if (to.startsWith('+503')) {
        reply(503, { status: 'error', error: { code: 'OVERLOADED' } }, { 'retry-after': '7' });
      } else if (to.startsWith('+429')) {
        reply(429, { status: 'error' });
      } else if (to.startsWith('+200')) {
        reply(200, { status: 'error', error: { code: 'BLOCKED', message: 'sender blocked' } });
      } else if (to.startsWith('+201')) {
        reply(200, { status: 'error', error: { code: 'TRY_LATER' } });
      } else if (to.startsWith('+999')) {
        setTimeout(() => reply(200, { status: 'ok', data: { messages: [{ id: 'late' }] } }), 2000).unref();
      } else {
        reply(200, { status: 'ok', data: { messages: [{ id: `prov-${requests.length}` }] } });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

function connector(options: HttpConnectorOptions): HttpConnector {
  const c = new HttpConnector(options);
  cleanups.push(() => c.close());
  return c;
}

function jsonProvider(base: string, extra: Partial<HttpConnectorOptions> = {}): HttpConnectorOptions {
  return {
    request: {
      method: 'POST',
      url: `${base}/v1/sms?account={{account}}&ref={{messageId}}`,
      headers: { authorization: 'Bearer {{apiKey}}' },
      json: {
        to: '{{to}}',
        from: '{{from}}',
        text: '{{text}}',
        meta: { ref: '{{messageId}}', tags: ['pigeon'] },
      },
    },
    variables: { apiKey: 'k-123', account: 'acme & co' },
    success: { path: 'status', equals: 'ok' },
    providerIdPath: 'data.messages[0].id',
    errorCodePath: 'error.code',
    errorMessagePath: 'error.message',
    retryableErrorCodes: ['TRY_LATER'],
    timeoutMs: 500,
    health: { url: `${base}/health` },
    ...extra,
  };
}

const sms = (to: string, text = 'Hello "world" & <you> 你好') => ({
  channel: 'sms' as const,
  id: 'msg-1',
  to,
  from: 'Pigeon',
  text,
});

describe('HTTP connector against a local provider', () => {
  it('fills the request template and takes the provider id from the response', async () => {
    const provider = await startProvider();
    const c = connector(jsonProvider(provider.base));

    const result = await c.submit(sms('+4915112345678'));

    expect(result).toEqual({ ok: true, providerMessageIds: ['prov-1'], parts: 1 });
    const [req] = provider.requests;
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe('/v1/sms?account=acme%20%26%20co&ref=msg-1');
    expect(req?.headers.authorization).toBe('Bearer k-123');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req?.body ?? '')).toEqual({
      to: '+4915112345678',
      from: 'Pigeon',
      text: 'Hello "world" & <you> 你好',
      meta: { ref: 'msg-1', tags: ['pigeon'] },
    });
  });

  it('sends a form body when configured', async () => {
    const provider = await startProvider();
    const c = connector({
      request: { url: `${provider.base}/form`, form: { to: '{{to}}', body: '{{text}}' } },
      providerIdPath: 'data.messages.0.id',
    });

    expect(await c.submit(sms('+44123', 'a+b=c&d'))).toMatchObject({ ok: true });
    expect(Object.fromEntries(new URLSearchParams(provider.requests[0]?.body))).toEqual({
      to: '+44123',
      body: 'a+b=c&d',
    });
  });

  it('fails permanently on a 4xx with the provider error code', async () => {
    const provider = await startProvider();
    const c = connector(jsonProvider(provider.base));

    expect(await c.submit(sms('+4001'))).toEqual({
      ok: false,
      kind: 'permanent',
      code: 'INVALID_NUMBER',
      message: 'no such number',
    });
  });

  it('retries 5xx and 429, passing on Retry-After', async () => {
    const provider = await startProvider();
    const c = connector(jsonProvider(provider.base));

    expect(await c.submit(sms('+5031'))).toMatchObject({
      ok: false,
      kind: 'retryable',
      code: 'OVERLOADED',
      retryAfterMs: 7000,
    });
    expect(await c.submit(sms('+4291'))).toMatchObject({ ok: false, kind: 'retryable', code: 'HTTP_429' });
  });

  it('lets configuration override the status mapping', async () => {
    const provider = await startProvider();
    const c = connector(jsonProvider(provider.base, { permanentStatuses: [503], retryableStatuses: [400] }));

    expect(await c.submit(sms('+5031'))).toMatchObject({ kind: 'permanent' });
    expect(await c.submit(sms('+4001'))).toMatchObject({ kind: 'retryable' });
  });

  it('treats a 200 that fails the success condition as rejected, retryable for listed codes', async () => {
    const provider = await startProvider();
    const c = connector(jsonProvider(provider.base));

    expect(await c.submit(sms('+2001'))).toMatchObject({ ok: false, kind: 'permanent', code: 'BLOCKED' });
    expect(await c.submit(sms('+2011'))).toMatchObject({ ok: false, kind: 'retryable', code: 'TRY_LATER' });
  });

  it('reports a timeout as retryable', async () => {
    const provider = await startProvider();
    const c = connector(jsonProvider(provider.base, { timeoutMs: 100 }));

    expect(await c.submit(sms('+9991'))).toMatchObject({ ok: false, kind: 'retryable', code: 'TIMEOUT' });
  });

  it('reports a refused connection as retryable', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const c = connector(jsonProvider(`http://127.0.0.1:${port}`));

    const result = await c.submit(sms('+4915112345678'));

    expect(result).toMatchObject({ ok: false, kind: 'retryable', code: 'ECONNREFUSED' });
    expect((await c.probe()).healthy).toBe(false);
  });

  it('probes the health URL', async () => {
    const provider = await startProvider();
    expect(await connector(jsonProvider(provider.base)).probe()).toMatchObject({ healthy: true });
    const down = connector(jsonProvider(provider.base, { health: { url: `${provider.base}/down` } }));
    expect(await down.probe()).toMatchObject({ healthy: false, detail: 'health URL answered 503' });
  });

  it('refuses a template with an unknown variable when created', () => {
    expect(() => new HttpConnector({ request: { url: 'http://x/{{nope}}' } })).toThrow(
      /unknown variable "nope"/,
    );
  });

  it('parses receipt callbacks and hands them to receipt handlers', async () => {
    const c = connector({
      request: { url: 'http://127.0.0.1:1/unused' },
      receipt: {
        itemsPath: 'events',
        idPath: 'message.id',
        statusPath: 'state',
        statusMap: { delivered: 'delivered', failed: 'undelivered', queued: 'accepted' },
        errorCodePath: 'error',
        doneAtPath: 'at',
      },
    });
    const seen: DeliveryReceipt[] = [];
    c.onReceipt((r) => {
      seen.push(r);
    });

    const count = await c.acceptReceiptCallback({
      events: [
        { message: { id: 'prov-1' }, state: 'DELIVERED', at: '2026-01-02T03:04:05Z' },
        { message: { id: 'prov-2' }, state: 'failed', error: 'E42' },
        { message: { id: 'prov-3' }, state: 'queued' },
        { state: 'delivered' },
      ],
    });

    expect(count).toBe(3);
    expect(seen.map((r) => [r.providerMessageId, r.status, r.isFinal])).toEqual([
      ['prov-1', 'delivered', true],
      ['prov-2', 'undelivered', true],
      ['prov-3', 'accepted', false],
    ]);
    expect(seen[0]?.doneAt?.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(seen[1]?.errorCode).toBe('E42');
  });
});

describe('receipt parsing and templates', () => {
  it('parses a single receipt and normalizes ids when told they are numeric', () => {
    expect(
      parseHttpReceipts(
        { id: '000123', status: 'DELIVRD' },
        { idPath: 'id', statusPath: 'status', statusMap: { DELIVRD: 'delivered' }, idFormat: 'decimal' },
      ),
    ).toMatchObject([{ providerMessageId: '123', status: 'delivered' }]);
    expect(parseHttpReceipts('nonsense', { idPath: 'id', statusPath: 's', statusMap: {} })).toEqual([]);
  });

  it('escapes values with filters', () => {
    const vars = { text: 'a "b" <c> & d' };
    expect(renderTemplate('{{text|json}}', vars)).toBe('a \\"b\\" <c> & d');
    expect(renderTemplate('{{text|xml}}', vars)).toBe('a &quot;b&quot; &lt;c&gt; &amp; d');
    expect(renderTemplate('{{ text | url }}', vars)).toBe('a%20%22b%22%20%3Cc%3E%20%26%20d');
    expect(() => renderTemplate('{{missing}}', vars)).toThrow(/unknown template variable/);
  });

  it('reads dotted paths with indexes', () => {
    const value = { a: { list: [{ id: 1 }, { id: 2 }] } };
    expect(getPath(value, 'a.list[1].id')).toBe(2);
    expect(getPath(value, 'a.list.0.id')).toBe(1);
    expect(getPath(value, 'a.nope.id')).toBeUndefined();
  });
});
