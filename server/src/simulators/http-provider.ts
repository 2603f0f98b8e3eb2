// HTTP test provider: a real HTTP server playing an SMS provider's REST API, for the HTTP
// connector (`connectors/http`) in tests, demo setups and benchmarks. `POST /v1/messages` takes
// `{ to, from, text, reference }` and answers `{ id }`; shares of requests get 429 or 503 with
// Retry-After (issue 26); receipts are posted back to the platform's receipt callback (retried
// until taken) and inbound messages to its inbound callback. `connectorOptions()` gives the
// settings of an HTTP provider pointed at it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SubmitLedger } from './submit-ledger.js';

export type HttpReceiptOutcome = 'DELIVERED' | 'UNDELIVERED' | 'EXPIRED' | 'REJECTED';

export interface HttpProviderOptions {
  host?: string;
  /** Requests must carry `Authorization: Bearer <token>` (401 otherwise); absent: no check. */
  token?: string;
  /** Delay before each answer to a send. */
  latencyMs?: number;
  /** Share of sends answered 429 Too Many Requests with Retry-After (0–1). */
  throttleRate?: number;
  /** Share of sends answered 503 Service Unavailable with Retry-After (0–1). */
  unavailableRate?: number;
  /** Retry-After of 429 and 503 answers, in seconds (default 1). */
  retryAfterS?: number;
  /** Where receipts are posted (the platform's `/api/v1/hooks/providers/:id/receipts?token=…`). */
  receiptUrl?: string;
  /** Delay between accepting a message and posting its receipt (default 0). */
  receiptDelayMs?: number;
  /** A receipt not taken (network error, non-2xx) is posted again after this (default 200 ms). */
  receiptRetryMs?: number;
  /** Relative weights of receipt outcomes (default all DELIVERED). */
  outcomes?: Partial<Record<HttpReceiptOutcome, number>>;
  /** Where `injectMo` posts inbound messages (the platform's `/…/inbound?token=…`). */
  inboundUrl?: string;
  /** Counting mode: sends per key (default: to and text) and their order per destination. */
  counting?: boolean | { key?: (message: HttpProviderMessage) => string };
  /** Random source in [0, 1), for repeatable fault and outcome choices. */
  random?: () => number;
  /** Accepted messages kept for inspection (default 10 000). */
  maxStored?: number;
}

export interface HttpProviderMessage {
  id: string;
  to: string;
  from: string;
  text: string;
  /** The `reference` the platform sent (its message id). */
  reference: string;
  receivedAt: Date;
}

export interface HttpProviderCounters {
  requests: number;
  accepted: number;
  throttled: number;
  unavailable: number;
  /** 400 (invalid request or number) and 401 answers. */
  rejected: number;
  duplicateSubmits: number;
  receiptsPosted: number;
  receiptsAcknowledged: number;
  /** Receipt posts that failed or were not answered 2xx (each is posted again). */
  receiptPostFailures: number;
  inboundPosted: number;
}

const STATUS_TEXT: Readonly<Record<HttpReceiptOutcome, string>> = {
  DELIVERED: 'delivered',
  UNDELIVERED: 'undelivered',
  EXPIRED: 'expired',
  REJECTED: 'rejected',
};

/** A JSON body or a form body, as a flat object of strings. */
function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> | null {
  try {
    if (contentType?.includes('application/x-www-form-urlencoded')) {
      return Object.fromEntries(new URLSearchParams(raw));
    }
    const parsed: unknown = JSON.parse(raw);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export class HttpProviderSimulator {
  readonly counters: HttpProviderCounters = {
    requests: 0,
    accepted: 0,
    throttled: 0,
    unavailable: 0,
    rejected: 0,
    duplicateSubmits: 0,
    receiptsPosted: 0,
    receiptsAcknowledged: 0,
    receiptPostFailures: 0,
    inboundPosted: 0,
  };

  private options: HttpProviderOptions;
  private server: http.Server | null = null;
  private readonly store: HttpProviderMessage[] = [];
  private readonly ledger: SubmitLedger<HttpProviderMessage> | null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private nextId = 0x5eed;
  private actualPort = 0;

  constructor(options: HttpProviderOptions = {}) {
    this.options = { ...options };
    const counting = options.counting === true ? {} : options.counting || null;
    this.ledger = counting
      ? new SubmitLedger(counting.key ?? ((m) => `${m.to}\u0000${m.text}`), (m) => m.to)
      : null;
  }

  get port(): number {
    return this.actualPort;
  }

  /** `http://host:port` once started. */
  get baseUrl(): string {
    return `http://${this.options.host ?? '127.0.0.1'}:${this.actualPort}`;
  }

  /** Changes behaviour while running (rates, latency, callback URLs…). */
  configure(options: Partial<HttpProviderOptions>): void {
    this.options = { ...this.options, ...options };
  }

  async start(options: { port?: number } = {}): Promise<number> {
    const server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, this.options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.actualPort = (server.address() as AddressInfo).port;
    return this.actualPort;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) {
      clearTimeout(timer);
    }
    this.timers.clear();
    const server = this.server;
    this.server = null;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  /** Accepted messages, oldest first (at most `maxStored`). */
  messages(): HttpProviderMessage[] {
    return [...this.store];
  }

  /** Counting mode: accepted sends per key; a count above 1 is a duplicate. */
  submitCounts(): Map<string, number> {
    return this.requireLedger().submitCounts();
  }

  /** Counting mode: per destination, the keys of accepted sends in arrival order. */
  submitOrder(): Map<string, string[]> {
    return this.requireLedger().submitOrder();
  }

  /**
   * The settings of an HTTP provider pointed at this simulator (HttpConnectorOptions): JSON
   * request with Pigeon's message id as reference, provider id and error fields, health URL and
   * the receipt mapping of what `receiptUrl` receives.
   */
  connectorOptions() {
    const token = this.options.token;
    return {
      request: {
        method: 'POST' as const,
        url: `${this.baseUrl}/v1/messages`,
        ...(token ? { headers: { authorization: 'Bearer {{apiKey}}' } } : {}),
        json: { to: '{{to}}', from: '{{from}}', text: '{{text}}', reference: '{{messageId}}' },
      },
      ...(token ? { variables: { apiKey: token } } : {}),
      providerIdPath: 'id',
      errorCodePath: 'error.code',
      errorMessagePath: 'error.message',
      health: { url: `${this.baseUrl}/health` },
      receipt: {
        idPath: 'id',
        statusPath: 'status',
        statusMap: {
          delivered: 'delivered' as const,
          undelivered: 'undelivered' as const,
          expired: 'expired' as const,
          rejected: 'rejected' as const,
        },
        errorCodePath: 'errorCode',
        doneAtPath: 'doneAt',
      },
    };
  }

  /** Posts an inbound (MO) message to `inboundUrl`; resolves once it was answered 2xx. */
  async injectMo(mo: { from: string; to: string; text: string }): Promise<void> {
    const url = this.options.inboundUrl;
    if (!url) {
      throw new Error('the HTTP provider simulator has no inboundUrl to post to');
    }
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...mo, receivedAt: new Date().toISOString() }),
    });
    await res.arrayBuffer();
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`inbound callback answered ${res.status}`);
    }
    this.counters.inboundPosted++;
  }

  private random(): number {
    return (this.options.random ?? Math.random)();
  }

  private later(ms: number, fn: () => void): void {
    if (ms <= 0) {
      fn();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      raw += chunk;
    });
    req.on('end', () => {
      const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'GET' && req.url === '/health') {
        reply(200, { ok: true });
        return;
      }
      if (req.method !== 'POST' || req.url !== '/v1/messages') {
        reply(404, { error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url}` } });
        return;
      }
      this.counters.requests++;
      this.later(this.options.latencyMs ?? 0, () => this.send(req, raw, reply));
    });
  }

  private send(
    req: http.IncomingMessage,
    raw: string,
    reply: (status: number, body: unknown, headers?: Record<string, string>) => void,
  ): void {
    const o = this.options;
    if (o.token && req.headers.authorization !== `Bearer ${o.token}`) {
      this.counters.rejected++;
      reply(401, { error: { code: 'UNAUTHORIZED', message: 'missing or wrong bearer token' } });
      return;
    }
    const retryAfter = { 'retry-after': String(o.retryAfterS ?? 1) };
    const throttleRate = o.throttleRate ?? 0;
    if (throttleRate > 0 && this.random() < throttleRate) {
      this.counters.throttled++;
      reply(429, { error: { code: 'THROTTLED', message: 'too many requests (simulated)' } }, retryAfter);
      return;
    }
    const unavailableRate = o.unavailableRate ?? 0;
    if (unavailableRate > 0 && this.random() < unavailableRate) {
      this.counters.unavailable++;
      reply(503, { error: { code: 'UNAVAILABLE', message: 'service unavailable (simulated)' } }, retryAfter);
      return;
    }
    const body = parseBody(raw, req.headers['content-type']);
    const field = (name: string): string => {
      const v = body?.[name];
      return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
    };
    if (!body || field('text') === '') {
      this.counters.rejected++;
      reply(400, {
        error: { code: 'INVALID_REQUEST', message: 'expected JSON or form with to, from, text' },
      });
      return;
    }
    if (!/^\+?\d{6,15}$/.test(field('to'))) {
      this.counters.rejected++;
      reply(400, { error: { code: 'INVALID_NUMBER', message: `not a phone number: ${field('to')}` } });
      return;
    }
    const message: HttpProviderMessage = {
      id: `hp-${(this.nextId++).toString(16)}`,
      to: field('to'),
      from: field('from'),
      text: field('text'),
      reference: field('reference'),
      receivedAt: new Date(),
    };
    this.counters.accepted++;
    this.store.push(message);
    const max = o.maxStored ?? 10_000;
    if (this.store.length > max) {
      this.store.splice(0, this.store.length - max);
    }
    if (this.ledger) {
      this.ledger.add(message);
      this.counters.duplicateSubmits = this.ledger.duplicates;
    }
    reply(200, { id: message.id, status: 'accepted' });
    if (o.receiptUrl) {
      this.later(o.receiptDelayMs ?? 0, () => this.postReceipt(message, this.pickOutcome()));
    }
  }

  private pickOutcome(): HttpReceiptOutcome {
    const entries = Object.entries(this.options.outcomes ?? { DELIVERED: 1 }).filter(
      (e): e is [HttpReceiptOutcome, number] => typeof e[1] === 'number' && e[1] > 0,
    );
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let roll = total > 0 ? this.random() * total : 0;
    for (const [outcome, weight] of entries) {
      roll -= weight;
      if (roll < 0) {
        return outcome;
      }
    }
    return entries[entries.length - 1]?.[0] ?? 'DELIVERED';
  }

  /** Posts a receipt until the platform takes it (as a provider that keeps undelivered ones). */
  private postReceipt(message: HttpProviderMessage, outcome: HttpReceiptOutcome): void {
    const url = this.options.receiptUrl;
    if (!url || !this.server) {
      return;
    }
    this.counters.receiptsPosted++;
    const body = JSON.stringify({
      id: message.id,
      reference: message.reference,
      status: STATUS_TEXT[outcome],
      errorCode: outcome === 'DELIVERED' ? '' : outcome === 'REJECTED' ? '11' : '1',
      doneAt: new Date().toISOString(),
    });
    const retry = (): void => {
      this.counters.receiptPostFailures++;
      this.later(this.options.receiptRetryMs ?? 200, () => this.postReceipt(message, outcome));
    };
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      .then(async (res) => {
        await res.arrayBuffer();
        if (res.status >= 200 && res.status < 300) {
          this.counters.receiptsAcknowledged++;
        } else {
          retry();
        }
      })
      .catch(retry);
  }

  private requireLedger(): SubmitLedger<HttpProviderMessage> {
    if (!this.ledger) {
      throw new Error('the HTTP provider simulator counts sends only when started with `counting`');
    }
    return this.ledger;
  }
}
