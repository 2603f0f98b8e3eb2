// CLI commands contributed by modules (admin, simulate, send). Each adds its sub-commands
// to the program; `configOrExit` loads the configuration or exits with a one-line error.
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Config } from './config.js';
import { adminCli } from './admin.cli.js';
import { simulatorsCli } from './simulators/simulators.cli.js';

export type CliCommand = (program: Command, configOrExit: () => Config) => void;

// --- pigeon send ------------------------------------------------------------------------------

/** States after which nothing more happens to a message (messages.tables FINAL_STATUSES). */
const FINAL = new Set([
  'delivered',
  'undelivered',
  'expired',
  'failed',
  'rejected',
  'canceled',
  'partially_delivered',
]);
const FAILED = new Set(['undelivered', 'expired', 'failed', 'rejected', 'canceled']);

interface SendOptions {
  to: string;
  text?: string;
  from?: string;
  channel: 'sms' | 'email';
  subject?: string;
  wait?: boolean;
  timeout: number;
}

interface Envelope {
  code: number | string;
  message?: string;
  data?: Record<string, unknown> | null;
  errors?: Array<{ field: string; message?: string; reason: string }>;
}

class SendError extends Error {}

function positiveInt(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) {
    throw new InvalidArgumentError('expected a whole number above 0');
  }
  return Number(value);
}

async function call(
  url: string,
  apiKey: string,
  init: RequestInit = {},
): Promise<{ status: number; body: Envelope }> {
  let res: Response;
  try {
    res = await fetch(url, {
      ...init,
      headers: { 'x-api-key': apiKey, 'content-type': 'application/json', ...(init.headers ?? {}) },
    });
  } catch (err) {
    throw new SendError(
      `cannot reach ${url}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`,
    );
  }
  const text = await res.text();
  let body: Envelope;
  try {
    body = JSON.parse(text) as Envelope;
  } catch {
    throw new SendError(`${url} answered ${res.status} with something that is not JSON`);
  }
  return { status: res.status, body };
}

function describe(body: Envelope): string {
  const fields = (body.errors ?? []).map((e) => `${e.field} ${e.message ?? e.reason}`).join('; ');
  return `${String(body.code)}: ${body.message ?? ''}${fields && !(body.message ?? '').includes(fields) ? ` (${fields})` : ''}`;
}

/** Sends one message through the HTTP API; with `wait`, polls its status until it is final. */
export async function sendCommand(
  o: SendOptions,
  config: Pick<Config, 'url' | 'apiKey' | 'port'>,
  out: (line: string) => void,
): Promise<number> {
  if (!config.apiKey) {
    throw new SendError('set PIGEON_API_KEY to the API key of a sending account (X-API-Key)');
  }
  if (o.channel === 'sms' && !o.text) {
    throw new SendError('--text is required');
  }
  if (o.channel === 'email' && !o.subject) {
    throw new SendError('--subject is required for e-mail');
  }
  const base = (config.url || `http://127.0.0.1:${config.port}`).replace(/\/+$/, '');
  const payload: Record<string, unknown> = { channel: o.channel, to: o.to, text: o.text ?? '' };
  if (o.from) {
    payload.from = o.from;
  }
  if (o.subject) {
    payload.subject = o.subject;
  }
  const sent = await call(`${base}/api/v1/messages`, config.apiKey, {
    method: 'POST',
    body: JSON.stringify(payload),
  });
  if (sent.status >= 300 || !sent.body.data) {
    throw new SendError(`not sent: ${describe(sent.body)}`);
  }
  const id = String(sent.body.data.id);
  let status = String(sent.body.data.status);
  out(`${id} ${status}`);
  if (!o.wait) {
    return 0;
  }
  const deadline = Date.now() + o.timeout * 1000;
  let path = `${base}/api/v1/messages/${id}/status`;
  let triedPlain = false;
  while (!FINAL.has(status)) {
    if (Date.now() > deadline) {
      throw new SendError(`${id} is still ${status} after ${o.timeout}s`);
    }
    await new Promise((r) => setTimeout(r, 500));
    const res = await call(path, config.apiKey);
    if (res.status === 404 && !triedPlain) {
      // Servers without the status shortcut answer the message itself.
      triedPlain = true;
      path = `${base}/api/v1/messages/${id}`;
      continue;
    }
    if (res.status >= 300 || !res.body.data) {
      throw new SendError(`cannot read the status of ${id}: ${describe(res.body)}`);
    }
    const next = String(res.body.data.status);
    if (next !== status) {
      status = next;
      const code = res.body.data.errorCode;
      out(`${id} ${status}${typeof code === 'string' && code ? ` (${code})` : ''}`);
    }
  }
  return FAILED.has(status) ? 1 : 0;
}

const sendCli: CliCommand = (program, configOrExit) => {
  program
    .command('send')
    .description('Send a message through the HTTP API (PIGEON_API_KEY, PIGEON_URL); prints its id and status')
    .requiredOption('--to <recipient>', 'E.164 number (+4477…) or e-mail address')
    .option('--text <text>', 'message text (SMS text or e-mail text part)')
    .option('--from <sender>', 'sender id or address (default: the account default)')
    .addOption(new Option('--channel <channel>', 'channel').choices(['sms', 'email']).default('sms'))
    .option('--subject <subject>', 'e-mail subject')
    .option('--wait', 'poll the status until it is final and print each change (exit 1 if it failed)')
    .addOption(new Option('--timeout <seconds>', 'how long --wait waits').argParser(positiveInt).default(120))
    .action(async (opts: SendOptions) => {
      const config = configOrExit();
      try {
        process.exitCode = await sendCommand(opts, config, (line) => process.stdout.write(`${line}\n`));
      } catch (err) {
        if (err instanceof SendError) {
          process.stderr.write(`pigeon send: ${err.message}\n`);
          process.exitCode = 2;
          return;
        }
        throw err;
      }
    });
};

export const cliCommands: CliCommand[] = [adminCli, simulatorsCli, sendCli];
