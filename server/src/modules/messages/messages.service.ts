// The message store seen from the API and console (MS-1, MS-3, MS-5): who may send as which
// account, the outbox with filters and cursor pagination, one message with its timeline,
// attempts and parts, status, cancel, and quotes.
import {
  assertTenant,
  isCustomer,
  tenantFilter,
  type AuthContext,
} from '../../platform/auth/auth-context.js';
import { errors } from '../../platform/http/errors.js';
import { cursorPage, decodeCursor } from '../../platform/http/pagination.js';
import type { CursorPagination } from '../../platform/http/envelope.js';
import type { Locale } from '../../platform/i18n/i18n.js';
import type { BillingServices } from '../billing/index.js';
import type { Customers } from '../customers/index.js';
import type { RoutingService } from '../routing/index.js';
import { describeText } from '../../lib/sms/index.js';
import {
  AcceptService,
  NO_COUNTRY,
  rejectionError,
  requestHash,
  type IdempotencyInput,
} from './accept.service.js';
import type { AcceptOrigin, AcceptResult, SendItem } from './messages.contract.js';
import { FINAL_STATUSES, type MessagesTable } from './messages.tables.js';
import type { MessageRepository, OutboxScope } from './messages.repository.js';
import type { LifecycleService } from './lifecycle.service.js';
import type { OutboxQuery } from './messages.schemas.js';
import { checkSmsText, parseEmailRecipient, parsePhoneRecipient } from './validation.js';
import { MessagesErrors as ME, MessagesReasons as MR } from './messages.errors.js';

export interface MessageView {
  id: string;
  enterpriseId: string;
  sendingAccountId: string;
  source: string;
  channel: 'sms' | 'email';
  to: string;
  from: string | null;
  country: string | null;
  numberType: string | null;
  subject: string | null;
  text: string;
  encoding: string | null;
  segments: number;
  status: MessagesTable['status'];
  priority: MessagesTable['priority'];
  clientRef: string | null;
  campaignId: string | null;
  templateId: string | null;
  metadata: Record<string, string>;
  sendAt: string | null;
  expiresAt: string | null;
  price: number;
  currency: string;
  refunded: boolean;
  providerId: string | null;
  attempts: number;
  nextAttemptAt: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: string;
  queuedAt: string | null;
  sentAt: string | null;
  doneAt: string | null;
  updatedAt: string;
}

export function messageView(r: MessagesTable): MessageView {
  return {
    id: r.id,
    enterpriseId: r.enterprise_id,
    sendingAccountId: r.sending_account_id,
    source: r.source,
    channel: r.channel as 'sms' | 'email',
    to: r.recipient,
    from: r.sender,
    country: r.country,
    numberType: r.number_type,
    subject: r.subject,
    text: r.body,
    encoding: r.encoding,
    segments: r.segments,
    status: r.status,
    priority: r.priority,
    clientRef: r.client_ref,
    campaignId: r.campaign_id,
    templateId: r.template_id,
    metadata: JSON.parse(r.metadata) as Record<string, string>,
    sendAt: r.send_at,
    expiresAt: r.expires_at,
    price: Number(r.price),
    currency: r.currency,
    refunded: r.refunded === 1,
    providerId: r.provider_id,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    createdAt: r.created_at,
    queuedAt: r.queued_at,
    sentAt: r.sent_at,
    doneAt: r.done_at,
    updatedAt: r.updated_at,
  };
}

export class MessageService {
  constructor(
    readonly acceptor: AcceptService,
    private readonly deps: {
      repo: MessageRepository;
      lifecycle: LifecycleService;
      customers: Customers;
      billing: BillingServices;
      routing: RoutingService;
    },
  ) {}

  /**
   * Which account a caller sends as: an API key sends as the sending account that owns it; a
   * console user names one, which must be in its tenant.
   */
  async originOf(auth: AuthContext, sendingAccountId: string | undefined): Promise<AcceptOrigin> {
    if (auth.kind === 'apiKey') {
      if (auth.apiKey?.ownerType !== 'sending_account') {
        throw errors.forbidden('API_KEY_NOT_FOR_SENDING');
      }
      return { accountId: auth.apiKey.ownerId, source: 'api', apiKeyId: auth.apiKey.id };
    }
    if (!sendingAccountId) {
      throw errors.invalid([{ field: 'sendingAccountId', reason: MR.required }]);
    }
    const account = await this.deps.customers.sendingContext(sendingAccountId);
    if (!account) {
      throw ME.accountNotFound();
    }
    assertTenant(auth, account.enterprise.id, 'SENDING_ACCOUNT_NOT_FOUND');
    return { accountId: sendingAccountId, source: 'console', userId: auth.actorId };
  }

  idempotency(auth: AuthContext, key: string | undefined, parts: unknown[]): IdempotencyInput | undefined {
    if (key === undefined) {
      return undefined;
    }
    if (key.length === 0 || key.length > 200) {
      throw errors.invalid([{ field: 'Idempotency-Key', reason: 'maxLength' }]);
    }
    return {
      scope: `${auth.kind === 'apiKey' ? 'key' : 'user'}:${auth.apiKey?.id ?? auth.actorId}`,
      key,
      hash: requestHash(parts),
    };
  }

  async send(
    auth: AuthContext,
    sendingAccountId: string | undefined,
    items: SendItem[],
    opts: { locale: Locale; idempotencyKey?: string; path: string },
  ): Promise<AcceptResult[]> {
    const origin = await this.originOf(auth, sendingAccountId);
    const idempotency = this.idempotency(auth, opts.idempotencyKey, [opts.path, origin.accountId, items]);
    return this.acceptor.accept(origin, items, {
      locale: opts.locale,
      ...(idempotency ? { idempotency } : {}),
    });
  }

  /** A single send: the accepted message, or the rejection as an error. */
  async sendOne(
    auth: AuthContext,
    body: SendItem & { sendingAccountId?: string },
    opts: { locale: Locale; idempotencyKey?: string; path: string },
  ) {
    const { sendingAccountId, ...item } = body;
    const [result] = await this.send(auth, sendingAccountId, [item], opts);
    if (!result) {
      throw new Error('accept returned no result');
    }
    if (!result.ok) {
      const { ok: _ok, ...r } = result;
      throw rejectionError(r);
    }
    const { ok: _ok, ...accepted } = result;
    return accepted;
  }

  /** MS-2: segments, encoding and price of a message without sending it. */
  async quote(auth: AuthContext, body: SendItem & { sendingAccountId?: string }) {
    const origin = await this.originOf(auth, body.sendingAccountId);
    const account = await this.deps.customers.sendingContext(origin.accountId);
    if (!account) {
      throw ME.accountNotFound();
    }
    let to: string;
    let country: string | null = null;
    let numberType: string | null = null;
    let encoding: 'gsm7' | 'ucs2' | null = null;
    let segments = 1;
    let characters: number;
    let smartEncoded = false;
    if (body.channel === 'sms') {
      const r = parsePhoneRecipient(body.to, account.allowedCountries);
      if (!r.ok) {
        throw errors.invalid([{ field: 'to', reason: r.reason, params: r.params ?? {} }]);
      }
      const text = checkSmsText(body.text ?? '', account.maxParts, body.smartEncoding ?? false);
      if (!text.ok) {
        throw errors.invalid([{ field: 'text', reason: text.reason, params: text.params ?? {} }]);
      }
      to = r.value.to;
      country = r.value.country;
      numberType = r.value.numberType as string;
      encoding = text.value.encoding;
      segments = text.value.segments;
      characters = [...(body.text ?? '')].length;
      smartEncoded = body.smartEncoding === true && describeText(body.text ?? '').encoding !== encoding;
    } else {
      const r = parseEmailRecipient(body.to);
      if (!r.ok) {
        throw errors.invalid([{ field: 'to', reason: r.reason }]);
      }
      to = r.value;
      characters = (body.text ?? body.html ?? '').length;
    }
    const q = await this.deps.billing.quote({
      enterpriseId: account.enterprise.id,
      sendingAccountId: account.account.id,
      channel: body.channel,
      country: country ?? NO_COUNTRY,
      segments,
      destination: to.replace(/^\+/, ''),
    });
    const selection = await this.deps.routing.select(
      await this.deps.routing.input({
        accountId: account.account.id,
        channel: body.channel,
        to,
        sender: body.from ?? account.defaultSender,
        country,
        timeZone: account.enterprise.timezone,
      }),
    );
    return {
      channel: body.channel,
      to,
      country,
      numberType,
      encoding,
      segments,
      characters,
      unitPrice: q.unitPrice,
      price: q.amount,
      currency: q.currency,
      providerId: selection.ok ? selection.provider.id : null,
      smartEncoded,
    };
  }

  /** The caller's view of the message store: its tenant, and an API key its own account. */
  private scopeOf(auth: AuthContext): OutboxScope {
    return {
      enterpriseId: tenantFilter(auth),
      sendingAccountId:
        auth.kind === 'apiKey' && auth.apiKey?.ownerType === 'sending_account' ? auth.apiKey.ownerId : null,
    };
  }

  async outbox(
    auth: AuthContext,
    q: OutboxQuery,
  ): Promise<{ items: MessageView[]; pagination: CursorPagination }> {
    let recipient: string | undefined;
    if (q.number) {
      const n = q.number.trim();
      const phone = parsePhoneRecipient(n);
      recipient = phone.ok ? phone.value.to : n.toLowerCase();
    }
    const rows = await this.deps.repo.outbox(this.scopeOf(auth), {
      ...q,
      ...(recipient !== undefined ? { recipient } : {}),
      ...(q.cursor ? { beforeId: decodeCursor(q.cursor).id } : {}),
    });
    const page = cursorPage(rows, q.size, (r) => ({ sortKey: r.created_at, id: r.id }));
    return {
      items: page.items.map((r) => messageView(r)),
      pagination: { size: q.size, nextCursor: page.nextCursor },
    };
  }

  private async load(auth: AuthContext, id: string): Promise<MessagesTable> {
    const row = await this.deps.repo.findOne(this.scopeOf(auth), id);
    if (!row) {
      throw ME.messageNotFound();
    }
    return row;
  }

  async status(auth: AuthContext, id: string) {
    const r = await this.load(auth, id);
    const v = messageView(r);
    return {
      id: v.id,
      status: v.status,
      errorCode: v.errorCode,
      segments: v.segments,
      clientRef: v.clientRef,
      updatedAt: v.updatedAt,
      doneAt: v.doneAt,
    };
  }

  async detail(auth: AuthContext, id: string) {
    const r = await this.load(auth, id);
    const [attempts, parts] = await Promise.all([this.deps.repo.attemptsOf(id), this.deps.repo.partsOf(id)]);
    const timeline: Array<{ at: string; status: string; detail: string; providerId?: string }> = [];
    timeline.push({
      at: r.created_at,
      status: 'accepted',
      detail: r.send_at ? `scheduled for ${r.send_at}` : '',
    });
    if (r.queued_at) {
      timeline.push({ at: r.queued_at, status: 'queued', detail: '' });
    }
    for (const a of attempts) {
      timeline.push({
        at: a.finished_at,
        status: a.outcome === 'sent' ? 'sent' : a.outcome === 'retry' ? 'retry' : 'failed',
        // The provider is a field, not text, so the console can name it in the reader's language.
        detail: `attempt ${a.attempt}${a.error_code ? `: ${a.error_code} ${a.error_message ?? ''}` : ''} (${a.latency_ms} ms)`,
        providerId: a.provider_id,
      });
    }
    for (const p of parts) {
      if (p.receipt_at) {
        timeline.push({
          at: p.receipt_at,
          status: 'receipt',
          detail:
            `part ${p.part_index + 1}/${parts.length}: ${p.receipt_status ?? ''} ${p.provider_status ?? ''}${p.error_code ? ` err ${p.error_code}` : ''}`.trim(),
        });
      }
    }
    if (r.done_at && FINAL_STATUSES.has(r.status)) {
      timeline.push({ at: r.done_at, status: r.status, detail: r.error_code ?? '' });
    }
    timeline.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    return {
      ...messageView(r),
      ...(isCustomer(auth) || auth.kind === 'apiKey'
        ? {}
        : { cost: r.cost === null ? null : Number(r.cost) }),
      timeline,
      deliveryAttempts: attempts.map((a) => ({
        attempt: a.attempt,
        providerId: a.provider_id,
        outcome: a.outcome,
        errorCode: a.error_code,
        errorMessage: a.error_message,
        latencyMs: a.latency_ms,
        startedAt: a.started_at,
        finishedAt: a.finished_at,
      })),
      parts: parts.map((p) => ({
        partIndex: p.part_index,
        providerId: p.provider_id,
        providerMessageId: p.provider_message_id,
        receiptStatus: p.receipt_status,
        providerStatus: p.provider_status,
        errorCode: p.error_code,
        submittedAt: p.submitted_at,
        receiptAt: p.receipt_at,
      })),
    };
  }

  /**
   * Cancels a message that has not been handed to a provider (scheduled or queued): refunds
   * its charge and gives back its quota.
   */
  async cancel(auth: AuthContext, id: string): Promise<MessageView> {
    const r = await this.load(auth, id);
    const change = await this.deps.lifecycle.cancel(r);
    if (!change) {
      const now = await this.load(auth, id);
      throw ME.notCancelable({ status: now.status });
    }
    return messageView(await this.load(auth, id));
  }
}
