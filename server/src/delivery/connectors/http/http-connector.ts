// HTTP connector for providers with a REST API: a request template (method, URL, headers and a
// JSON, form or raw body with {{variables}}), a success condition and provider-id extraction
// from the JSON response, failure classification (network errors, timeouts and 5xx retryable,
// other 4xx permanent, both configurable), and parsing of the provider's receipt callbacks.
import { Agent, request } from 'undici';
import {
  HandlerSet,
  isFinalReceiptStatus,
  type Connector,
  type DeliveryReceipt,
  type FailureKind,
  type InboundHandler,
  type InboundMessage,
  type OutboundMessage,
  type ProbeResult,
  type ReceiptHandler,
  type ReceiptStatus,
  type SubmitResult,
} from '../types.js';
import { normalizeProviderMessageId, type MessageIdFormat } from '../../../lib/smpp/index.js';
import {
  getPath,
  jsonTemplateStrings,
  renderJsonTemplate,
  renderTemplate,
  templateVariables,
} from './template.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequestTemplate {
  method?: HttpMethod;
  /** Placeholders in the URL are URL-encoded unless a filter says otherwise. */
  url: string;
  headers?: Record<string, string>;
  /** A JSON body: every string in it is a template; the result is serialized as JSON. */
  json?: unknown;
  /** A form body (application/x-www-form-urlencoded): values are templates. */
  form?: Record<string, string>;
  /** A raw body; escape values with filters (`{{text|json}}`, `{{text|xml}}`). */
  body?: string;
}

export interface HttpReceiptMapping {
  /** Where an array of receipts is, for providers that batch them (absent: one receipt). */
  itemsPath?: string;
  idPath: string;
  statusPath: string;
  /** Provider status → Pigeon status; unmapped statuses become `unknown`. */
  statusMap: Record<string, ReceiptStatus>;
  errorCodePath?: string;
  doneAtPath?: string;
  idFormat?: MessageIdFormat;
}

/**
 * Where the fields of an inbound (MO) callback are (MS-6). Absent: the default field names
 * `from`, `to`, `text` and `receivedAt` of DEFAULT_INBOUND_MAPPING.
 */
export interface HttpInboundMapping {
  /** Where an array of messages is, for providers that batch them (absent: one message). */
  itemsPath?: string;
  fromPath: string;
  toPath: string;
  textPath: string;
  receivedAtPath?: string;
}

export const DEFAULT_INBOUND_MAPPING: HttpInboundMapping = {
  fromPath: 'from',
  toPath: 'to',
  textPath: 'text',
  receivedAtPath: 'receivedAt',
};

export interface HttpConnectorOptions {
  request: HttpRequestTemplate;
  /** Fixed values for templates (`{{apiKey}}`), besides the message's own. */
  variables?: Record<string, string>;
  /** Whole request, response body included (default 10 s). */
  timeoutMs?: number;
  success?: {
    /** Default: any 2xx. */
    statuses?: number[];
    /** A JSON path that must hold `equals` (or one of its values, for an array). */
    path?: string;
    equals?: unknown;
  };
  /** Where the provider's message id is in the JSON response (an array gives one per part). */
  providerIdPath?: string;
  errorCodePath?: string;
  errorMessagePath?: string;
  /** Statuses to retry besides 408, 425, 429 and 5xx. */
  retryableStatuses?: number[];
  /** Statuses that fail for good even though they would be retried by default. */
  permanentStatuses?: number[];
  /** Provider error codes (at `errorCodePath`) that are worth retrying. */
  retryableErrorCodes?: string[];
  /** Failure kind when the status is a success but the success condition is not met. */
  rejectedKind?: FailureKind;
  health?: { url: string; method?: 'GET' | 'HEAD'; expectStatuses?: number[] };
  receipt?: HttpReceiptMapping;
  inbound?: HttpInboundMapping;
  maxConnections?: number;
}

/** Variables a template can use, besides `options.variables`. */
export const MESSAGE_VARIABLES = ['messageId', 'channel', 'to', 'from', 'text', 'subject', 'html'] as const;

const DEFAULT_RETRYABLE = new Set([408, 425, 429]);

interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

/** Parses a receipt callback body into receipts (none when it does not look like one). */
export function parseHttpReceipts(
  payload: unknown,
  mapping: HttpReceiptMapping,
  receivedAt: Date = new Date(),
): DeliveryReceipt[] {
  const items = mapping.itemsPath === undefined ? [payload] : getPath(payload, mapping.itemsPath);
  if (!Array.isArray(items)) {
    return [];
  }
  const receipts: DeliveryReceipt[] = [];
  for (const item of items) {
    const id = scalar(getPath(item, mapping.idPath));
    const providerStatus = scalar(getPath(item, mapping.statusPath));
    if (id === undefined || id === '' || providerStatus === undefined) {
      continue;
    }
    const status =
      mapping.statusMap[providerStatus] ??
      mapping.statusMap[providerStatus.toLowerCase()] ??
      mapping.statusMap[providerStatus.toUpperCase()] ??
      'unknown';
    const receipt: DeliveryReceipt = {
      providerMessageId: normalizeProviderMessageId(id, mapping.idFormat ?? 'string'),
      rawProviderMessageId: id,
      status,
      isFinal: isFinalReceiptStatus(status),
      providerStatus,
      receivedAt,
    };
    const errorCode = mapping.errorCodePath ? scalar(getPath(item, mapping.errorCodePath)) : undefined;
    if (errorCode !== undefined && errorCode !== '') {
      receipt.errorCode = errorCode;
    }
    const doneAt = mapping.doneAtPath ? scalar(getPath(item, mapping.doneAtPath)) : undefined;
    const doneDate =
      doneAt === undefined ? undefined : new Date(/^\d+$/.test(doneAt) ? Number(doneAt) : doneAt);
    if (doneDate && !Number.isNaN(doneDate.getTime())) {
      receipt.doneAt = doneDate;
    }
    receipts.push(receipt);
  }
  return receipts;
}

/** Parses an inbound (MO) callback body into messages (none when it does not look like one). */
export function parseHttpInbound(
  payload: unknown,
  mapping: HttpInboundMapping = DEFAULT_INBOUND_MAPPING,
  receivedAt: Date = new Date(),
): InboundMessage[] {
  const items = mapping.itemsPath === undefined ? [payload] : getPath(payload, mapping.itemsPath);
  if (!Array.isArray(items)) {
    return [];
  }
  const out: InboundMessage[] = [];
  for (const item of items) {
    const from = scalar(getPath(item, mapping.fromPath));
    const to = scalar(getPath(item, mapping.toPath));
    const text = scalar(getPath(item, mapping.textPath));
    if (!from || !to || text === undefined) {
      continue;
    }
    const at = mapping.receivedAtPath ? scalar(getPath(item, mapping.receivedAtPath)) : undefined;
    const atDate = at === undefined ? undefined : new Date(/^\d+$/.test(at) ? Number(at) : at);
    out.push({
      from,
      to,
      text,
      // Text over HTTP is Unicode already; say whether it would fit GSM-7's basic range.
      encoding: /^[\x20-\x7e\r\n]*$/.test(text) ? 'gsm7' : 'ucs2',
      parts: 1,
      isComplete: true,
      receivedAt: atDate && !Number.isNaN(atDate.getTime()) ? atDate : receivedAt,
    });
  }
  return out;
}

function scalar(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : undefined;
}

function header(headers: Response['headers'], name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Retry-After in milliseconds, from seconds or an HTTP date. */
function retryAfterMs(value: string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (/^\d+$/.test(value.trim())) {
    return Number(value.trim()) * 1000;
  }
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

export class HttpConnector implements Connector {
  readonly type = 'http' as const;
  private readonly agent: Agent;
  private readonly receiptHandlers = new HandlerSet<DeliveryReceipt>();
  private readonly inboundHandlers = new HandlerSet<InboundMessage>();
  private closed = false;

  constructor(private readonly options: HttpConnectorOptions) {
    this.validateTemplates();
    this.agent = new Agent({ connections: options.maxConnections ?? 16, keepAliveTimeout: 10_000 });
  }

  async connect(): Promise<void> {
    // Connections are opened on demand; nothing can be checked without sending.
  }

  async submit(message: OutboundMessage): Promise<SubmitResult> {
    if (this.closed) {
      return { ok: false, kind: 'retryable', code: 'CONNECTOR_CLOSED', message: 'HTTP connector is closed' };
    }
    const variables: Record<string, string> = {
      ...this.options.variables,
      messageId: message.id,
      channel: message.channel,
      to: message.to,
      from: message.from,
      text: message.channel === 'sms' ? message.text : (message.text ?? ''),
      subject: message.channel === 'email' ? message.subject : '',
      html: message.channel === 'email' ? (message.html ?? '') : '',
    };
    let response: Response;
    try {
      response = await this.send(variables);
    } catch (err) {
      return { ok: false, ...this.classifyNetworkError(err) };
    }
    return this.interpret(response, message.id);
  }

  onReceipt(handler: ReceiptHandler): () => void {
    return this.receiptHandlers.add(handler);
  }

  onInbound(handler: InboundHandler): () => void {
    return this.inboundHandlers.add(handler);
  }

  /**
   * For the inbound callback route: parses the body (the `inbound` mapping or the default
   * field names) and hands each message to the inbound handlers; resolves with how many.
   */
  async acceptInboundCallback(payload: unknown): Promise<number> {
    const messages = parseHttpInbound(payload, this.options.inbound ?? DEFAULT_INBOUND_MAPPING);
    for (const message of messages) {
      await this.inboundHandlers.emit(message);
    }
    return messages.length;
  }

  /** Parses a receipt callback's body (JSON or form fields) with the configured mapping. */
  parseReceiptCallback(payload: unknown): DeliveryReceipt[] {
    if (!this.options.receipt) {
      return [];
    }
    return parseHttpReceipts(payload, this.options.receipt);
  }

  /**
   * For the receipt callback route: parses the body and hands each receipt to the receipt
   * handlers; resolves with how many there were once the handlers have taken them.
   */
  async acceptReceiptCallback(payload: unknown): Promise<number> {
    const receipts = this.parseReceiptCallback(payload);
    for (const receipt of receipts) {
      await this.receiptHandlers.emit(receipt);
    }
    return receipts.length;
  }

  async probe(): Promise<ProbeResult> {
    const checkedAt = new Date();
    const health = this.options.health;
    if (this.closed) {
      return { healthy: false, detail: 'connector closed', checkedAt };
    }
    if (!health) {
      return { healthy: true, detail: 'no health URL configured', checkedAt };
    }
    const started = performance.now();
    try {
      const res = await request(health.url, {
        method: health.method ?? 'GET',
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      await res.body.dump();
      const expected = health.expectStatuses;
      const healthy = expected
        ? expected.includes(res.statusCode)
        : res.statusCode >= 200 && res.statusCode < 300;
      return {
        healthy,
        latencyMs: performance.now() - started,
        detail: `health URL answered ${res.statusCode}`,
        checkedAt,
      };
    } catch (err) {
      const { code, message } = this.classifyNetworkError(err);
      return { healthy: false, detail: `${code}: ${message}`, checkedAt };
    }
  }

  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    await this.agent.close();
  }

  private validateTemplates(): void {
    const r = this.options.request;
    const known = new Set<string>([...MESSAGE_VARIABLES, ...Object.keys(this.options.variables ?? {})]);
    const templates = [
      r.url,
      ...Object.values(r.headers ?? {}),
      ...Object.values(r.form ?? {}),
      ...(r.body !== undefined ? [r.body] : []),
      ...jsonTemplateStrings(r.json),
    ];
    for (const template of templates) {
      for (const name of templateVariables(template)) {
        if (!known.has(name)) {
          throw new Error(`HTTP request template uses unknown variable "${name}"`);
        }
      }
    }
    const bodies = [r.json, r.form, r.body].filter((b) => b !== undefined).length;
    if (bodies > 1) {
      throw new Error('HTTP request template: give at most one of json, form and body');
    }
  }

  private async send(variables: Record<string, string>): Promise<Response> {
    const r = this.options.request;
    const headers: Record<string, string> = {};
    let body: string | undefined;
    if (r.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(renderJsonTemplate(r.json, variables));
    } else if (r.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(
        Object.entries(r.form).map(([k, v]): [string, string] => [k, renderTemplate(v, variables, 'raw')]),
      ).toString();
    } else if (r.body !== undefined) {
      body = renderTemplate(r.body, variables, 'raw');
    }
    for (const [name, value] of Object.entries(r.headers ?? {})) {
      headers[name.toLowerCase()] = renderTemplate(value, variables, 'raw');
    }
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    const res = await request(renderTemplate(r.url, variables, 'url'), {
      method: r.method ?? 'POST',
      headers,
      ...(body !== undefined ? { body } : {}),
      dispatcher: this.agent,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.body.text();
    let json: unknown = undefined;
    if (text.trim() !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    return { status: res.statusCode, headers: res.headers, text, json };
  }

  private interpret(res: Response, messageId: string): SubmitResult {
    const o = this.options;
    const statusOk = o.success?.statuses
      ? o.success.statuses.includes(res.status)
      : res.status >= 200 && res.status < 300;
    const conditionOk =
      o.success?.path === undefined || this.matches(getPath(res.json, o.success.path), o.success.equals);
    if (statusOk && conditionOk) {
      const found = o.providerIdPath === undefined ? undefined : getPath(res.json, o.providerIdPath);
      const ids = (Array.isArray(found) ? found : [found])
        .map(scalar)
        .filter((v): v is string => v !== undefined);
      // Without an id from the provider, Pigeon's own id is what its receipts will carry.
      const providerMessageIds = ids.length > 0 ? ids : [messageId];
      return { ok: true, providerMessageIds, parts: providerMessageIds.length };
    }
    const providerCode = o.errorCodePath ? scalar(getPath(res.json, o.errorCodePath)) : undefined;
    const providerMessage = o.errorMessagePath ? scalar(getPath(res.json, o.errorMessagePath)) : undefined;
    let kind: FailureKind;
    if (statusOk) {
      kind = o.rejectedKind ?? 'permanent';
    } else if (o.permanentStatuses?.includes(res.status)) {
      kind = 'permanent';
    } else if (
      o.retryableStatuses?.includes(res.status) ||
      DEFAULT_RETRYABLE.has(res.status) ||
      res.status >= 500
    ) {
      kind = 'retryable';
    } else {
      kind = 'permanent';
    }
    if (providerCode !== undefined && o.retryableErrorCodes?.includes(providerCode)) {
      kind = 'retryable';
    }
    const failure: SubmitResult = {
      ok: false,
      kind,
      code: providerCode ?? (statusOk ? 'HTTP_REJECTED' : `HTTP_${res.status}`),
      message: providerMessage ?? `provider answered ${res.status}: ${res.text.slice(0, 200)}`,
    };
    const after = retryAfterMs(header(res.headers, 'retry-after'));
    if (after !== undefined) {
      failure.retryAfterMs = after;
    }
    return failure;
  }

  private matches(value: unknown, expected: unknown): boolean {
    const options = Array.isArray(expected) ? expected : [expected];
    return options.some((e) => e === value || (scalar(e) !== undefined && scalar(e) === scalar(value)));
  }

  private classifyNetworkError(err: unknown): { kind: FailureKind; code: string; message: string } {
    const e = err instanceof Error ? (err as Error & { code?: string }) : new Error(String(err));
    const code = 'code' in e && typeof e.code === 'string' ? e.code : undefined;
    if (e.name === 'TimeoutError' || e.name === 'AbortError' || (code?.includes('TIMEOUT') ?? false)) {
      return { kind: 'retryable', code: 'TIMEOUT', message: e.message };
    }
    if (e.message.startsWith('unknown template')) {
      return { kind: 'permanent', code: 'TEMPLATE_ERROR', message: e.message };
    }
    return { kind: 'retryable', code: code ?? 'NETWORK_ERROR', message: e.message };
  }
}
