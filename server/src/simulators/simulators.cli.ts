// `pigeon simulate smsc|smtp|http`: the simulators as standalone processes, for demo mode,
// manual testing, benchmarks and fault runs (issue 26's carrier weather) against a separate
// process.
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { CliCommand } from '../cli-commands.js';
import { SmscSimulator, type ReceiptOutcome } from './smsc-simulator.js';
import { HttpProviderSimulator } from './http-provider.js';
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

/** `2000/10000` → throttled for 2000 ms at the end of every 10 000 ms. */
export function parseBurst(value: string): { durationMs: number; everyMs: number } {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  const durationMs = Number(m?.[1]);
  const everyMs = Number(m?.[2]);
  if (!m || everyMs <= 0 || durationMs <= 0 || durationMs > everyMs) {
    throw new InvalidArgumentError(
      'expected DURATION_MS/EVERY_MS with 0 < duration <= every, e.g. 2000/10000',
    );
  }
  return { durationMs, everyMs };
}

/** `1500` or `1000-3000` (milliseconds) → [min, max]. */
export function parseRange(value: string): [number, number] {
  const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(value);
  const min = Number(m?.[1]);
  const max = m?.[2] === undefined ? min : Number(m[2]);
  if (!m || max < min) {
    throw new InvalidArgumentError('expected MS or MIN-MAX in milliseconds, e.g. 1000-3000');
  }
  return [min, max];
}

/** A command_status in decimal or hex (`0x58`). */
export function parseStatus(value: string): number {
  const v = value.trim();
  const n = /^0x[0-9a-f]+$/i.test(v) ? Number.parseInt(v.slice(2), 16) : /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n <= 0 || n > 0xffffffff) {
    throw new InvalidArgumentError('expected a non-zero command_status, decimal or 0x-hex');
  }
  return n;
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
  /** Carrier weather (issue 26); all optional, off when absent. */
  errorStatus?: number;
  queueFullRate?: number;
  throttleBurst?: { durationMs: number; everyMs: number };
  latencyJitterMs?: number;
  slowShare?: number;
  slowMs?: [number, number];
  dropEveryMs?: number;
  dropAfterSubmits?: number;
  receiptsBeforeResponse?: number;
  reofferAfterRebind?: boolean;
  count?: boolean;
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
  /** Shares of transactions answered 421, 451 and 454 (issue 26). */
  rate421?: number;
  rate451?: number;
  rate454?: number;
}

export interface HttpProviderCliOptions {
  host: string;
  port: number;
  token?: string;
  latencyMs: number;
  throttleRate: number;
  unavailableRate: number;
  retryAfterS: number;
  receiptUrl?: string;
  receiptDelayMs: number;
  inboundUrl?: string;
  count?: boolean;
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
    ...(o.errorStatus !== undefined ? { errorStatus: o.errorStatus } : {}),
    ...(o.queueFullRate ? { queueFullRate: o.queueFullRate } : {}),
    ...(o.throttleBurst ? { throttleBursts: o.throttleBurst } : {}),
    ...(o.latencyJitterMs ? { latencyJitterMs: o.latencyJitterMs } : {}),
    ...(o.slowShare
      ? { slowAnswers: { share: o.slowShare, minMs: o.slowMs?.[0] ?? 1000, maxMs: o.slowMs?.[1] ?? 1000 } }
      : {}),
    ...(o.dropEveryMs ? { dropEveryMs: o.dropEveryMs } : {}),
    ...(o.dropAfterSubmits ? { dropAfterSubmits: o.dropAfterSubmits } : {}),
    ...(o.receiptsBeforeResponse ? { receiptsBeforeResponseRate: o.receiptsBeforeResponse } : {}),
    ...(o.reofferAfterRebind ? { reofferAfterRebind: true } : {}),
    ...(o.count ? { counting: true } : {}),
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
    transientFailures: { 421: o.rate421 ?? 0, 451: o.rate451 ?? 0, 454: o.rate454 ?? 0 },
  });
  await sink.start({ port: o.port });
  return sink;
}

export async function startHttpProviderFromCli(o: HttpProviderCliOptions): Promise<HttpProviderSimulator> {
  const provider = new HttpProviderSimulator({
    host: o.host,
    latencyMs: o.latencyMs,
    throttleRate: o.throttleRate,
    unavailableRate: o.unavailableRate,
    retryAfterS: o.retryAfterS,
    receiptDelayMs: o.receiptDelayMs,
    ...(o.token !== undefined ? { token: o.token } : {}),
    ...(o.receiptUrl !== undefined ? { receiptUrl: o.receiptUrl } : {}),
    ...(o.inboundUrl !== undefined ? { inboundUrl: o.inboundUrl } : {}),
    ...(o.count ? { counting: true } : {}),
  });
  await provider.start({ port: o.port });
  return provider;
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
    .description('Run a protocol simulator: an SMSC (SMPP), an SMTP sink or an HTTP SMS provider');

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
      new Option(
        '--error-status <status>',
        'command_status of --error-rate answers (default ESME_RSYSERR)',
      ).argParser(parseStatus),
    )
    .addOption(
      new Option('--queue-full-rate <share>', 'share of submits answered ESME_RMSGQFUL (0-1)').argParser(
        parseRate,
      ),
    )
    .addOption(
      new Option(
        '--throttle-burst <ms/ms>',
        'throttle everything for DURATION_MS every EVERY_MS, e.g. 2000/10000',
      ).argParser(parseBurst),
    )
    .addOption(
      new Option('--latency-jitter-ms <ms>', 'plus a random 0..N ms on each submit_sm_resp').argParser(
        parseInteger,
      ),
    )
    .addOption(
      new Option('--slow-share <share>', 'share of submit_sm_resp answered after --slow-ms (0-1)').argParser(
        parseRate,
      ),
    )
    .addOption(
      new Option('--slow-ms <ms|min-max>', 'delay of slow answers (default 1000)').argParser(parseRange),
    )
    .addOption(new Option('--drop-every-ms <ms>', 'drop every connection every N ms').argParser(parseInteger))
    .addOption(
      new Option(
        '--drop-after-submits <n>',
        'drop a connection at its Nth submit (taken, never answered)',
      ).argParser(parseInteger),
    )
    .addOption(
      new Option(
        '--receipts-before-response <share>',
        'share of receipts sent before their submit_sm_resp (0-1)',
      ).argParser(parseRate),
    )
    .option(
      '--reoffer-after-rebind',
      'offer a receipt refused with a temporary error again only after a new bind',
    )
    .option('--count', 'count accepted submits per message (duplicates) and their order per destination')
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
      new Option(
        '--rate-421 <share>',
        'share of transactions answered 421 at MAIL FROM, connection closed (0-1)',
      ).argParser(parseRate),
    )
    .addOption(
      new Option('--rate-451 <share>', 'share of messages answered 451 after DATA (0-1)').argParser(
        parseRate,
      ),
    )
    .addOption(
      new Option('--rate-454 <share>', 'share of transactions answered 454 at RCPT TO (0-1)').argParser(
        parseRate,
      ),
    )
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

  simulate
    .command('http')
    .description(
      'HTTP SMS provider: POST /v1/messages, 429/503 shares with Retry-After, receipts posted back',
    )
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .addOption(
      new Option('--port <port>', 'TCP port (0: any free port)').argParser(parseInteger).default(2780),
    )
    .option('--token <token>', 'require Authorization: Bearer <token>')
    .addOption(new Option('--latency-ms <ms>', 'delay before each answer').argParser(parseInteger).default(0))
    .addOption(
      new Option('--throttle-rate <share>', 'share of sends answered 429 with Retry-After (0-1)')
        .argParser(parseRate)
        .default(0),
    )
    .addOption(
      new Option('--unavailable-rate <share>', 'share of sends answered 503 with Retry-After (0-1)')
        .argParser(parseRate)
        .default(0),
    )
    .addOption(
      new Option('--retry-after-s <s>', 'Retry-After of 429 and 503 answers')
        .argParser(parseInteger)
        .default(1),
    )
    .option('--receipt-url <url>', "where receipts are posted (the provider's receipt callback URL)")
    .addOption(
      new Option('--receipt-delay-ms <ms>', 'delay between accepting a message and posting its receipt')
        .argParser(parseInteger)
        .default(1000),
    )
    .option('--inbound-url <url>', "where inbound messages are posted (the provider's inbound callback URL)")
    .option('--count', 'count accepted sends per message (duplicates) and their order per destination')
    .addOption(
      new Option('--stats-interval-s <s>', 'print counters every N seconds (0: never)')
        .argParser(parseInteger)
        .default(10),
    )
    .action(async (opts: HttpProviderCliOptions) => {
      const provider = await startHttpProviderFromCli(opts);
      await runUntilSignal(
        `HTTP provider listening on ${provider.baseUrl} (POST /v1/messages)`,
        () => provider.counters,
        opts.statsIntervalS,
        () => provider.stop(),
      );
    });
};
