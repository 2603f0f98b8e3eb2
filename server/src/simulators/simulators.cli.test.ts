import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { HttpConnector } from '../delivery/connectors/http/http-connector.js';
import { SmppConnector } from '../delivery/connectors/smpp/smpp-connector.js';
import { SmtpConnector } from '../delivery/connectors/smtp/smtp-connector.js';
import {
  parseBurst,
  parseInteger,
  parseOutcomes,
  parsePattern,
  parseRange,
  parseRate,
  parseStatus,
  simulatorsCli,
  startHttpProviderFromCli,
  startSmscFromCli,
  startSmtpFromCli,
} from './simulators.cli.js';

describe('pigeon simulate', () => {
  it('registers smsc and smtp sub-commands with their options', () => {
    const program = new Command();
    simulatorsCli(program, () => {
      throw new Error('the simulators need no configuration');
    });
    const simulate = program.commands.find((c) => c.name() === 'simulate');
    const smsc = simulate?.commands.find((c) => c.name() === 'smsc');
    const smtp = simulate?.commands.find((c) => c.name() === 'smtp');
    expect(smsc?.options.map((o) => o.long)).toEqual(
      expect.arrayContaining([
        '--port',
        '--system-id',
        '--password',
        '--receipt-delay-ms',
        '--outcomes',
        '--throttle-rate',
        '--error-rate',
      ]),
    );
    expect(smtp?.options.map((o) => o.long)).toEqual(
      expect.arrayContaining(['--port', '--fail-permanent', '--fail-temporary']),
    );
  });

  it('parses option values and rejects bad ones', () => {
    expect(parseOutcomes('DELIVRD=90, undeliv=10')).toEqual({ DELIVRD: 90, UNDELIV: 10 });
    expect(() => parseOutcomes('SOMETHING=1')).toThrow(/OUTCOME=WEIGHT/);
    expect(() => parseOutcomes('DELIVRD=0')).toThrow(/above 0/);
    expect(parseRate('0.25')).toBe(0.25);
    expect(() => parseRate('2')).toThrow(/between 0 and 1/);
    expect(parseInteger('2776')).toBe(2776);
    expect(() => parseInteger('27x')).toThrow(/whole number/);
    expect(parsePattern('^bad').test('BAD@x')).toBe(true);
  });

  it('starts an SMSC from command-line options that a connector can bind to', async () => {
    const smsc = await startSmscFromCli({
      host: '127.0.0.1',
      port: 0,
      systemId: 'cli',
      password: 'pw',
      latencyMs: 0,
      receiptDelayMs: 0,
      outcomes: { DELIVRD: 1 },
      throttleRate: 0,
      errorRate: 0,
      idFormat: 'decimal',
      statsIntervalS: 0,
    });
    const connector = new SmppConnector({
      host: '127.0.0.1',
      port: smsc.port,
      systemId: 'cli',
      password: 'pw',
    });
    try {
      await connector.connect();
      const result = await connector.submit({
        channel: 'sms',
        id: '1',
        to: '+491511',
        from: 'Pigeon',
        text: 'cli',
      });
      expect(result).toMatchObject({ ok: true });
    } finally {
      await connector.close();
      await smsc.stop();
    }
  });

  it('starts an SMTP sink with the failure patterns given', async () => {
    const sink = await startSmtpFromCli({
      host: '127.0.0.1',
      port: 0,
      maxMessages: 5,
      failPermanent: /^nope/i,
      failTemporary: /^later/i,
      statsIntervalS: 0,
    });
    const connector = new SmtpConnector({ host: '127.0.0.1', port: sink.port, ignoreTls: true });
    const email = (to: string) => ({
      channel: 'email' as const,
      id: to,
      to,
      from: 'a@pigeon.test',
      subject: 's',
      text: 't',
    });
    try {
      expect(await connector.submit(email('nope@x.test'))).toMatchObject({
        kind: 'permanent',
        code: 'SMTP_550',
      });
      expect(await connector.submit(email('later@x.test'))).toMatchObject({
        kind: 'retryable',
        code: 'SMTP_451',
      });
      expect(await connector.submit(email('fail5@x.test'))).toMatchObject({ ok: true });
    } finally {
      await connector.close();
      await sink.stop();
    }
  });

  describe('fault flags (issue 26)', () => {
    it('registers the carrier weather flags and the http sub-command', () => {
      const program = new Command();
      simulatorsCli(program, () => {
        throw new Error('the simulators need no configuration');
      });
      const simulate = program.commands.find((c) => c.name() === 'simulate');
      const longs = (name: string) =>
        simulate?.commands.find((c) => c.name() === name)?.options.map((o) => o.long) ?? [];
      expect(longs('smsc')).toEqual(
        expect.arrayContaining([
          '--queue-full-rate',
          '--throttle-burst',
          '--latency-jitter-ms',
          '--slow-share',
          '--slow-ms',
          '--drop-every-ms',
          '--drop-after-submits',
          '--receipts-before-response',
          '--reoffer-after-rebind',
          '--count',
          '--error-status',
        ]),
      );
      expect(longs('smtp')).toEqual(expect.arrayContaining(['--rate-421', '--rate-451', '--rate-454']));
      expect(longs('http')).toEqual(
        expect.arrayContaining([
          '--port',
          '--throttle-rate',
          '--unavailable-rate',
          '--retry-after-s',
          '--receipt-url',
          '--inbound-url',
          '--token',
        ]),
      );
    });

    it('parses burst, range and status values and rejects bad ones', () => {
      expect(parseBurst('2000/10000')).toEqual({ durationMs: 2000, everyMs: 10_000 });
      expect(() => parseBurst('10000/2000')).toThrow(/DURATION_MS\/EVERY_MS/);
      expect(() => parseBurst('2s')).toThrow(/DURATION_MS\/EVERY_MS/);
      expect(parseRange('1500')).toEqual([1500, 1500]);
      expect(parseRange('1000-3000')).toEqual([1000, 3000]);
      expect(() => parseRange('3000-1000')).toThrow(/MIN-MAX/);
      expect(parseStatus('0x58')).toBe(0x58);
      expect(parseStatus('20')).toBe(20);
      expect(() => parseStatus('0')).toThrow(/non-zero/);
    });

    it('starts an SMSC whose receipts overtake their answers and that counts submits', async () => {
      const smsc = await startSmscFromCli({
        host: '127.0.0.1',
        port: 0,
        systemId: 'cli',
        password: 'pw',
        latencyMs: 0,
        receiptDelayMs: 0,
        outcomes: { DELIVRD: 1 },
        throttleRate: 0,
        errorRate: 0,
        idFormat: 'hex',
        statsIntervalS: 0,
        receiptsBeforeResponse: 1,
        count: true,
      });
      const connector = new SmppConnector({
        host: '127.0.0.1',
        port: smsc.port,
        systemId: 'cli',
        password: 'pw',
      });
      try {
        await connector.connect();
        expect(
          await connector.submit({ channel: 'sms', id: '1', to: '+491511', from: 'P', text: 'x' }),
        ).toMatchObject({ ok: true });
        expect(smsc.counters.receiptsEarly).toBe(1);
        expect([...smsc.submitCounts().values()]).toEqual([1]);
      } finally {
        await connector.close();
        await smsc.stop();
      }
    });

    it('starts an SMTP sink answering 421 and an HTTP provider answering 429 from their flags', async () => {
      const sink = await startSmtpFromCli({
        host: '127.0.0.1',
        port: 0,
        maxMessages: 5,
        failPermanent: /^nope/i,
        failTemporary: /^later/i,
        statsIntervalS: 0,
        rate421: 1,
      });
      const smtp = new SmtpConnector({ host: '127.0.0.1', port: sink.port, ignoreTls: true });
      const provider = await startHttpProviderFromCli({
        host: '127.0.0.1',
        port: 0,
        latencyMs: 0,
        throttleRate: 1,
        unavailableRate: 0,
        retryAfterS: 3,
        receiptDelayMs: 0,
        statsIntervalS: 0,
      });
      const http = new HttpConnector(provider.connectorOptions());
      try {
        expect(
          await smtp.submit({
            channel: 'email',
            id: 'e',
            to: 'a@x.test',
            from: 'b@x.test',
            subject: 's',
            text: 't',
          }),
        ).toMatchObject({ ok: false, kind: 'retryable', code: 'SMTP_421' });
        expect(
          await http.submit({ channel: 'sms', id: 'h', to: '+447912345678', from: 'P', text: 'x' }),
        ).toMatchObject({
          ok: false,
          kind: 'retryable',
          retryAfterMs: 3000,
        });
      } finally {
        await smtp.close();
        await http.close();
        await sink.stop();
        await provider.stop();
      }
    });
  });
});
