// `pigeon simulate smsc` and `pigeon simulate smtp`: the simulators as standalone processes,
// for demo mode, manual testing and benchmarks against a separate process.
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { CliCommand } from '../cli-commands.js';
import { SmscSimulator, type ReceiptOutcome } from './smsc-simulator.js';
import { DEFAULT_RECIPIENT_FAILURES, SmtpSink, type RecipientFailure } from './smtp-sink.js';

const OUTCOMES: readonly ReceiptOutcome[] = ['DELIVRD', 'UNDELIV', 'EXPIRED', 'REJECTD'];

export function parseInteger(value: string): number {
  if (!/^\d+$/.test(value.trim())) {
    throw new InvalidArgumentError('expected a whole number');
  }
  return Number(value);
}

export function parseRate(value: string): number {
  const rate = Number(value);
  if (value.trim() === '' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new InvalidArgumentError('expected a share between 0 and 1');
  }
  return rate;
}

/** `DELIVRD=90,UNDELIV=10` → weights. */
export function parseOutcomes(value: string): Partial<Record<ReceiptOutcome, number>> {
  const weights: Partial<Record<ReceiptOutcome, number>> = {};
  for (const item of value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const [name = '', weight = ''] = item.split('=').map((s) => s.trim());
    const outcome = OUTCOMES.find((o) => o === name.toUpperCase());
    if (!outcome || !/^\d+(\.\d+)?$/.test(weight)) {
      throw new InvalidArgumentError(`expected OUTCOME=WEIGHT with OUTCOME one of ${OUTCOMES.join(', ')}`);
    }
    weights[outcome] = Number(weight);
  }
  if (Object.values(weights).every((w) => w === 0)) {
    throw new InvalidArgumentError('at least one outcome needs a weight above 0');
  }
  return weights;
}

export function parsePattern(value: string): RegExp {
  try {
    return new RegExp(value, 'i');
  } catch {
    throw new InvalidArgumentError('expected a regular expression');
  }
}

export interface SmscCliOptions {
  host: string;
  port: number;
  systemId: string;
  password: string;
  latencyMs: number;
  receiptDelayMs: number;
  outcomes: Partial<Record<ReceiptOutcome, number>>;
  throttleRate: number;
  errorRate: number;
  maxTps?: number;
  idFormat: 'hex' | 'decimal';
  instant?: boolean;
  statsIntervalS: number;
}

export interface SmtpCliOptions {
  host: string;
  port: number;
  maxMessages: number;
  failPermanent: RegExp;
  failTemporary: RegExp;
  user?: string;
  password?: string;
  statsIntervalS: number;
}

export async function startSmscFromCli(o: SmscCliOptions): Promise<SmscSimulator> {
  const smsc = new SmscSimulator({
    host: o.host,
    systemId: o.systemId,
    password: o.password,
    latencyMs: o.latencyMs,
    receiptDelayMs: o.receiptDelayMs,
    outcomes: o.outcomes,
    throttleRate: o.throttleRate,
    errorRate: o.errorRate,
    messageIdFormat: o.idFormat,
    ...(o.maxTps !== undefined ? { maxTps: o.maxTps } : {}),
    ...(o.instant ? { instant: true } : {}),
  });
  await smsc.start({ port: o.port });
  return smsc;
}

export async function startSmtpFromCli(o: SmtpCliOptions): Promise<SmtpSink> {
  const [permanent, temporary] = DEFAULT_RECIPIENT_FAILURES;
  const failures: RecipientFailure[] = [
    { ...permanent, pattern: o.failPermanent, code: permanent?.code ?? 550 },
    { ...temporary, pattern: o.failTemporary, code: temporary?.code ?? 451 },
  ];
  const sink = new SmtpSink({
    host: o.host,
    maxMessages: o.maxMessages,
    failures,
    ...(o.user !== undefined ? { auth: { user: o.user, pass: o.password ?? '' } } : {}),
  });
  await sink.start({ port: o.port });
  return sink;
}

function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string): void => resolve(signal);
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}

async function runUntilSignal(
  banner: string,
  stats: () => object,
  intervalS: number,
  stop: () => Promise<void>,
): Promise<void> {
  process.stdout.write(`${banner}\n`);
  const timer =
    intervalS > 0
      ? setInterval(() => process.stdout.write(`${JSON.stringify(stats())}\n`), intervalS * 1000)
      : null;
  const signal = await untilSignal();
  if (timer) {
    clearInterval(timer);
  }
  await stop();
  process.stdout.write(`stopped on ${signal}; ${JSON.stringify(stats())}\n`);
}

export const simulatorsCli: CliCommand = (program: Command) => {
  const simulate = program
    .command('simulate')
    .description('Run a protocol simulator: an SMSC (SMPP) or an SMTP sink');

  simulate
    .command('smsc')
    .description('SMSC simulator: accepts SMPP binds, acks submit_sm, sends receipts')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .addOption(
      new Option('--port <port>', 'TCP port (0: any free port)').argParser(parseInteger).default(2776),
    )
    .option('--system-id <id>', 'system_id a bind must use', 'pigeon')
    .option('--password <password>', 'password a bind must use', 'secret')
    .addOption(
      new Option('--latency-ms <ms>', 'delay before each submit_sm_resp').argParser(parseInteger).default(0),
    )
    .addOption(
      new Option('--receipt-delay-ms <ms>', 'delay between accepting a part and its receipt')
        .argParser(parseInteger)
        .default(1000),
    )
    .addOption(
      new Option('--outcomes <mix>', 'receipt outcome weights, e.g. DELIVRD=90,UNDELIV=10')
        .argParser(parseOutcomes)
        .default({ DELIVRD: 100 }, 'DELIVRD=100'),
    )
    .addOption(
      new Option('--throttle-rate <share>', 'share of submits answered ESME_RTHROTTLED (0-1)')
        .argParser(parseRate)
        .default(0),
    )
    .addOption(
      new Option('--error-rate <share>', 'share of submits answered ESME_RSYSERR (0-1)')
        .argParser(parseRate)
        .default(0),
    )
    .addOption(
      new Option('--max-tps <n>', 'submits per second before ESME_RTHROTTLED').argParser(parseInteger),
    )
    .addOption(
      new Option('--id-format <format>', 'message id format').choices(['hex', 'decimal']).default('hex'),
    )
    .option('--instant', 'no latency and immediate receipts (benchmarks)')
    .addOption(
      new Option('--stats-interval-s <s>', 'print counters every N seconds (0: never)')
        .argParser(parseInteger)
        .default(10),
    )
    .action(async (opts: SmscCliOptions) => {
      const smsc = await startSmscFromCli(opts);
      await runUntilSignal(
        `SMSC simulator listening on ${opts.host}:${smsc.port} (system_id "${opts.systemId}")`,
        () => smsc.counters,
        opts.statsIntervalS,
        () => smsc.stop(),
      );
    });

  simulate
    .command('smtp')
    .description('SMTP sink: accepts mail into memory; refuses recipients matching the failure patterns')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .addOption(
      new Option('--port <port>', 'TCP port (0: any free port)').argParser(parseInteger).default(2525),
    )
    .addOption(
      new Option('--max-messages <n>', 'messages kept in memory').argParser(parseInteger).default(1000),
    )
    .addOption(
      new Option('--fail-permanent <regex>', 'recipients answered 550')
        .argParser(parsePattern)
        .default(/^fail5/i, '^fail5'),
    )
    .addOption(
      new Option('--fail-temporary <regex>', 'recipients answered 451')
        .argParser(parsePattern)
        .default(/^fail4/i, '^fail4'),
    )
    .option('--user <user>', 'require AUTH with this user')
    .option('--password <password>', 'password for --user')
    .addOption(
      new Option('--stats-interval-s <s>', 'print counters every N seconds (0: never)')
        .argParser(parseInteger)
        .default(10),
    )
    .action(async (opts: SmtpCliOptions) => {
      const sink = await startSmtpFromCli(opts);
      await runUntilSignal(
        `SMTP sink listening on ${opts.host}:${sink.port}`,
        () => sink.counters,
        opts.statsIntervalS,
        () => sink.stop(),
      );
    });
};
