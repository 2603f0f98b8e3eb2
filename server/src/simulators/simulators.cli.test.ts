import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { SmppConnector } from '../delivery/connectors/smpp/smpp-connector.js';
import { SmtpConnector } from '../delivery/connectors/smtp/smtp-connector.js';
import {
  parseInteger,
  parseOutcomes,
  parsePattern,
  parseRate,
  simulatorsCli,
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
});
