// The SMTP connector against the SMTP sink over real loopback sockets.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SmtpSink, type SmtpSinkOptions } from '../../../simulators/smtp-sink.js';
import { classifySmtpError, SmtpConnector } from './smtp-connector.js';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) {
    await cleanups.pop()?.();
  }
});

async function startSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const sink = new SmtpSink(options);
  await sink.start({ port: 0 });
  cleanups.push(() => sink.stop());
  return sink;
}

function connectorFor(port: number, auth?: { user: string; pass: string }): SmtpConnector {
  const connector = new SmtpConnector({
    host: '127.0.0.1',
    port,
    ignoreTls: true,
    connectionTimeoutMs: 2000,
    ...(auth ? { auth } : {}),
  });
  cleanups.push(() => connector.close());
  return connector;
}

function email(id: string, to: string, subject = 'Hello', text = 'Body') {
  return { channel: 'email' as const, id, to, from: 'Pigeon <noreply@pigeon.test>', subject, text };
}

/** A port nothing listens on: bind one, note it, close it. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('SMTP connector against the SMTP sink', () => {
  it('delivers a message whose subject and body arrive intact', async () => {
    const sink = await startSink();
    const connector = connectorFor(sink.port);
    await connector.connect();
    const subject = 'Grüße — your order #42 ✓';
    const text = 'Hello Ana,\n\nyour order has shipped. 中文也可以。\n';

    const result = await connector.submit({
      ...email('e1', 'ana@example.com', subject, text),
      html: '<p>Hello</p>',
    });

    expect(result).toMatchObject({ ok: true, parts: 1 });
    const [received] = sink.messages();
    expect(received).toMatchObject({
      subject,
      text,
      html: '<p>Hello</p>',
      to: ['ana@example.com'],
      envelopeTo: ['ana@example.com'],
      from: 'noreply@pigeon.test',
    });
    expect(received?.headers['x-pigeon-message-id']).toBe('e1');
    expect(result.ok && result.providerMessageIds[0]).toBe(received?.messageId);
  });

  it('fails permanently when the recipient gets a 5xx reply', async () => {
    const sink = await startSink();
    const connector = connectorFor(sink.port);

    const result = await connector.submit(email('e2', 'fail5-nobody@example.com'));

    expect(result).toMatchObject({ ok: false, kind: 'permanent', code: 'SMTP_550' });
    expect(sink.messages()).toHaveLength(0);
    expect(sink.counters.recipientsRejected).toBe(1);
  });

  it('reports a 4xx reply as retryable', async () => {
    const sink = await startSink();
    const connector = connectorFor(sink.port);

    const result = await connector.submit(email('e3', 'fail4-busy@example.com'));

    expect(result).toMatchObject({ ok: false, kind: 'retryable', code: 'SMTP_451' });
  });

  it('uses the failure patterns it is given', async () => {
    const sink = await startSink({
      failures: [{ pattern: /@blocked\.test$/, code: 554, message: 'blocked' }],
    });
    const connector = connectorFor(sink.port);

    expect(await connector.submit(email('e4', 'x@blocked.test'))).toMatchObject({
      kind: 'permanent',
      code: 'SMTP_554',
    });
    expect(await connector.submit(email('e5', 'fail5@ok.test'))).toMatchObject({ ok: true });
  });

  it('logs in when the sink requires it, and probes healthy', async () => {
    const sink = await startSink({ auth: { user: 'pigeon', pass: 'secret' } });
    const good = connectorFor(sink.port, { user: 'pigeon', pass: 'secret' });
    const bad = connectorFor(sink.port, { user: 'pigeon', pass: 'wrong' });

    expect(await good.probe()).toMatchObject({ healthy: true });
    expect(await good.submit(email('e6', 'a@example.com'))).toMatchObject({ ok: true });
    expect((await bad.probe()).healthy).toBe(false);
    expect(await bad.submit(email('e7', 'a@example.com'))).toMatchObject({
      ok: false,
      kind: 'retryable',
      code: 'EAUTH',
    });
    expect(sink.counters.authFailures).toBeGreaterThan(0);
  });

  it('reports an unreachable server as retryable and probes unhealthy', async () => {
    const connector = connectorFor(await freePort());

    expect(await connector.submit(email('e8', 'a@example.com'))).toMatchObject({
      ok: false,
      kind: 'retryable',
    });
    expect((await connector.probe()).healthy).toBe(false);
    await expect(connector.connect()).rejects.toThrow();
  });

  it('sends many messages through the pool and keeps a bounded list', async () => {
    const sink = await startSink({ maxMessages: 10 });
    const connector = connectorFor(sink.port);

    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => connector.submit(email(`b${i}`, `user${i}@example.com`, `n${i}`))),
    );

    expect(results.every((r) => r.ok)).toBe(true);
    expect(sink.counters.messagesAccepted).toBe(25);
    expect(sink.messages()).toHaveLength(10);
  });

  it('refuses other channels', async () => {
    const connector = connectorFor(1);
    expect(await connector.submit({ channel: 'sms', id: 's', to: '1', from: '2', text: 'x' })).toMatchObject({
      ok: false,
      kind: 'permanent',
      code: 'UNSUPPORTED_CHANNEL',
    });
  });
});

describe('classifySmtpError', () => {
  it('maps reply codes and connection errors', () => {
    expect(classifySmtpError(Object.assign(new Error('x'), { responseCode: 552 }))).toMatchObject({
      kind: 'permanent',
      code: 'SMTP_552',
    });
    expect(classifySmtpError(Object.assign(new Error('x'), { responseCode: 421 })).kind).toBe('retryable');
    expect(classifySmtpError(Object.assign(new Error('x'), { code: 'ETIMEDOUT' })).kind).toBe('retryable');
    expect(classifySmtpError(Object.assign(new Error('x'), { code: 'EENVELOPE' })).kind).toBe('permanent');
  });
});
