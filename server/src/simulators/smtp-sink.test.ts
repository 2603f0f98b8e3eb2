// The SMTP sink on its own, spoken to in plain SMTP over a socket.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SmtpConnector } from '../delivery/connectors/smtp/smtp-connector.js';
import { SmtpSink, type SmtpSinkOptions } from './smtp-sink.js';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) {
    await cleanups.pop()?.();
  }
});

/** A line-by-line SMTP client: send a command, get the reply code. */
async function smtpClient(
  port: number,
): Promise<{ send(line: string): Promise<string>; close(): void; closed: Promise<void> }> {
  const socket = net.connect(port, '127.0.0.1');
  let buffer = '';
  const waiting: ((reply: string) => void)[] = [];
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    // A reply is complete at a line "NNN text" (no dash after the code).
    for (;;) {
      const match = /^(?:\d{3}-.*\r\n)*\d{3}(?: .*)?\r\n/.exec(buffer);
      if (!match) {
        break;
      }
      buffer = buffer.slice(match[0].length);
      waiting.shift()?.(match[0]);
    }
  });
  const next = (): Promise<string> => new Promise((resolve) => waiting.push(resolve));
  await next(); // greeting
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    closed,
    send: (line: string) => {
      const reply = next();
      socket.write(`${line}\r\n`);
      return reply;
    },
    close: () => socket.destroy(),
  };
}

describe('SMTP sink', () => {
  it('keeps a message with its envelope, headers, subject and body', async () => {
    const sink = new SmtpSink();
    await sink.start({ port: 0 });
    cleanups.push(() => sink.stop());
    const c = await smtpClient(sink.port);

    expect(await c.send('EHLO test')).toMatch(/^250/);
    expect(await c.send('MAIL FROM:<a@pigeon.test>')).toMatch(/^250/);
    expect(await c.send('RCPT TO:<fail5-x@example.com>')).toMatch(/^550/);
    expect(await c.send('RCPT TO:<fail4-y@example.com>')).toMatch(/^451/);
    expect(await c.send('RCPT TO:<ok@example.com>')).toMatch(/^250/);
    expect(await c.send('DATA')).toMatch(/^354/);
    const reply = await c.send(
      [
        'From: A <a@pigeon.test>',
        'To: ok@example.com',
        'Subject: Test 1',
        'X-Custom: yes',
        '',
        'Hello body',
        '.',
      ].join('\r\n'),
    );
    expect(reply).toMatch(/^250/);
    await c.send('QUIT');
    c.close();

    expect(sink.messages()).toEqual([
      expect.objectContaining({
        envelopeFrom: 'a@pigeon.test',
        envelopeTo: ['ok@example.com'],
        from: 'a@pigeon.test',
        to: ['ok@example.com'],
        subject: 'Test 1',
        text: 'Hello body\n',
      }),
    ]);
    expect(sink.messages()[0]?.headers['x-custom']).toBe('yes');
    expect(sink.counters).toMatchObject({
      messagesAccepted: 1,
      recipientsAccepted: 1,
      recipientsRejected: 2,
    });
    sink.clear();
    expect(sink.messages()).toHaveLength(0);
  });

  it('requires AUTH when credentials are configured', async () => {
    const sink = new SmtpSink({ auth: { user: 'u', pass: 'p' } });
    await sink.start({ port: 0 });
    cleanups.push(() => sink.stop());
    const c = await smtpClient(sink.port);

    await c.send('EHLO test');
    expect(await c.send('MAIL FROM:<a@pigeon.test>')).toMatch(/^530/);
    expect(await c.send(`AUTH PLAIN ${Buffer.from('\0u\0wrong').toString('base64')}`)).toMatch(/^535/);
    expect(await c.send(`AUTH PLAIN ${Buffer.from('\0u\0p').toString('base64')}`)).toMatch(/^235/);
    expect(await c.send('MAIL FROM:<a@pigeon.test>')).toMatch(/^250/);
    c.close();
    expect(sink.counters.authFailures).toBe(1);
  });

  describe('temporary failures by share (issue 26)', () => {
    const start = async (options: SmtpSinkOptions): Promise<SmtpSink> => {
      const sink = new SmtpSink(options);
      await sink.start({ port: 0 });
      cleanups.push(() => sink.stop());
      return sink;
    };

    it('answers 421 at MAIL FROM and closes the connection', async () => {
      const sink = await start({ transientFailures: { 421: 1 } });
      const c = await smtpClient(sink.port);
      await c.send('EHLO test');
      expect(await c.send('MAIL FROM:<a@pigeon.test>')).toMatch(/^421/);
      await c.closed;
      expect(sink.counters.transient421).toBe(1);
    });

    it('answers 454 at RCPT TO and 451 after DATA, and takes the next transaction', async () => {
      const rolls = [0.5, 0.1, 0.9];
      const sink = await start({
        transientFailures: { 451: 0.3, 454: 0.3 },
        random: () => rolls.shift() ?? 0.9,
      });
      const c = await smtpClient(sink.port);
      await c.send('EHLO test');
      // Roll 0.5: past 451's 0.3, inside 454's: the recipient is refused for now.
      expect(await c.send('MAIL FROM:<a@pigeon.test>')).toMatch(/^250/);
      expect(await c.send('RCPT TO:<ok@example.com>')).toMatch(/^454/);
      expect(await c.send('RSET')).toMatch(/^250/);
      // Roll 0.1: the message is refused after its data.
      expect(await c.send('MAIL FROM:<a@pigeon.test>')).toMatch(/^250/);
      expect(await c.send('RCPT TO:<ok@example.com>')).toMatch(/^250/);
      expect(await c.send('DATA')).toMatch(/^354/);
      expect(await c.send('Subject: x\r\n\r\nbody\r\n.')).toMatch(/^451/);
      // Roll 0.9: accepted.
      expect(await c.send('MAIL FROM:<a@pigeon.test>')).toMatch(/^250/);
      expect(await c.send('RCPT TO:<ok@example.com>')).toMatch(/^250/);
      expect(await c.send('DATA')).toMatch(/^354/);
      expect(await c.send('Subject: y\r\n\r\nbody\r\n.')).toMatch(/^250/);
      c.close();
      expect(sink.counters).toMatchObject({ transient451: 1, transient454: 1, messagesAccepted: 1 });
      expect(sink.messages().map((m) => m.subject)).toEqual(['y']);
    });

    it('gives the SMTP connector retryable SMTP_421, SMTP_451 and SMTP_454 failures', async () => {
      const sink = await start({});
      const connector = new SmtpConnector({ host: '127.0.0.1', port: sink.port, ignoreTls: true });
      cleanups.push(() => connector.close());
      const email = (id: string) => ({
        channel: 'email' as const,
        id,
        to: 'ok@example.com',
        from: 'a@pigeon.test',
        subject: id,
        text: 't',
      });
      for (const code of [421, 451, 454] as const) {
        sink.configure({ transientFailures: { [code]: 1 } });
        expect(await connector.submit(email(`m${code}`))).toMatchObject({
          ok: false,
          kind: 'retryable',
          code: `SMTP_${code}`,
        });
      }
      sink.configure({ transientFailures: {} });
      expect(await connector.submit(email('fine'))).toMatchObject({ ok: true });
      expect(sink.messages().map((m) => m.subject)).toEqual(['fine']);
    });
  });
});
