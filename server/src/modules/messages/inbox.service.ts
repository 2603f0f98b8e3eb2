// The inbox (MS-6): stores every inbound (MO) message, matches it to an enterprise and sending
// account (by the number it was sent to, a claimed keyword, or the latest outbound SMS to the
// sender), classifies it, applies opt-out/opt-in keywords to the suppression list in the same
// transaction and raises `message.inbound` after commit.
import type { Transaction } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database } from '../../platform/db/schema.js';
import type { AuditLog } from '../../platform/audit/audit.js';
import {
  assertTenant,
  tenantFilter,
  tenantForWrite,
  type AuthContext,
} from '../../platform/auth/auth-context.js';
import { errors } from '../../platform/http/errors.js';
import { cursorPage, decodeCursor } from '../../platform/http/pagination.js';
import { newId } from '../../platform/ids.js';
import type { InboundMessage } from '../../delivery/connectors/types.js';
import { CustomersReasons } from '../customers/index.js';
import type { InboundClassification, InboundMessagesTable, InboxKeywordsTable } from './inbox.tables.js';
import type {
  CreateInboxKeywordInput,
  InboundView,
  InboxKeywordView,
  InboxListInput,
} from './inbox.schemas.js';
import { firstWord, normalizeKeyword, type OptOutKeywordService } from './suppression.keywords.js';
import { normalizeNumber, type SuppressionService } from './suppression.service.js';
import { InboxErrors, InboxReasons, OptOutKeywordReasons } from './messages.errors.js';

/** Raised after commit for every stored inbound message (MS-8 forwards it to the account). */
export const MESSAGE_INBOUND_EVENT = 'message.inbound';

export interface MessageInboundEvent {
  inboundId: string;
  enterpriseId: string | null;
  sendingAccountId: string | null;
  from: string;
  to: string;
  text: string;
  receivedAt: string;
  classification: InboundClassification;
}

const DAY_MS = 86_400_000;

/** E.164 of an inbound sender when it reads as an international number, else as received. */
export function normalizeSender(raw: string): string {
  const trimmed = raw.trim();
  const digits = trimmed.replace(/\D/g, '');
  if (/^\+?\d{6,15}$/.test(trimmed.replace(/[\s-]/g, ''))) {
    const e164 = normalizeNumber(`+${digits}`);
    if (e164) {
      return e164;
    }
  }
  return trimmed;
}

/** The forms a recipient number may be stored in as a sender: as given, digits, +digits. */
function numberVariants(raw: string): string[] {
  const trimmed = raw.trim();
  const digits = trimmed.replace(/\D/g, '');
  return [...new Set([trimmed, digits, digits ? `+${digits}` : ''].filter((v) => v !== ''))];
}

export function inboundView(r: InboundMessagesTable): InboundView {
  return {
    id: r.id,
    enterpriseId: r.enterprise_id,
    sendingAccountId: r.sending_account_id,
    providerId: r.provider_id,
    from: r.sender,
    to: r.recipient,
    text: r.body,
    encoding: r.encoding,
    parts: r.parts,
    isComplete: r.is_complete === 1,
    classification: r.classification,
    keyword: r.keyword,
    replyToMessageId: r.reply_to_message_id,
    receivedAt: r.received_at,
  };
}

function keywordView(r: InboxKeywordsTable): InboxKeywordView {
  return {
    id: r.id,
    enterpriseId: r.enterprise_id,
    sendingAccountId: r.sending_account_id,
    keyword: r.keyword,
    createdAt: r.created_at,
  };
}

interface Match {
  enterpriseId: string | null;
  sendingAccountId: string | null;
  classification: InboundClassification;
  keyword: string | null;
  replyToMessageId: string | null;
  optOut: { action: 'opt_out' | 'opt_in'; keyword: string } | null;
}

export class InboxService {
  constructor(
    private readonly ctx: AppContext,
    private readonly audit: AuditLog,
    private readonly suppressions: SuppressionService,
    private readonly optOutKeywords: OptOutKeywordService,
    /** Writes the inbound callback inside the transaction that stores the message (MS-8). */
    private readonly writeCallback: (trx: Transaction<Database>, e: MessageInboundEvent) => Promise<void>,
  ) {}

  /**
   * Stores one inbound message and applies what it asks for; resolves after commit (the SMPP
   * connector acknowledges the deliver_sm only then, so a failure here makes the SMSC retry).
   */
  async receive(providerId: string | null, message: InboundMessage): Promise<InboundView> {
    const from = normalizeSender(message.from);
    const to = message.to.trim();
    const match = await this.match(from, to, message.text);
    const now = this.ctx.clock.iso();
    const receivedAt = Number.isNaN(message.receivedAt.getTime()) ? now : message.receivedAt.toISOString();
    const row: InboundMessagesTable = {
      id: newId(),
      enterprise_id: match.enterpriseId,
      sending_account_id: match.sendingAccountId,
      provider_id: providerId,
      sender: from,
      recipient: to,
      body: message.text,
      encoding: message.encoding,
      parts: message.parts,
      is_complete: message.isComplete ? 1 : 0,
      classification: match.classification,
      keyword: match.keyword,
      reply_to_message_id: match.replyToMessageId,
      received_at: receivedAt,
      created_at: now,
    };
    const optOut = match.optOut;
    const enterpriseId = match.enterpriseId;
    // Only a real number can be suppressed (the check hook compares E.164 recipients).
    const suppressible = optOut !== null && enterpriseId !== null && from.startsWith('+');
    const event: MessageInboundEvent = {
      inboundId: row.id,
      enterpriseId: row.enterprise_id,
      sendingAccountId: row.sending_account_id,
      from: row.sender,
      to: row.recipient,
      text: row.body,
      receivedAt: row.received_at,
      classification: row.classification,
    };
    const changed = await this.ctx.db.transaction().execute(async (trx) => {
      await trx.insertInto('inbound_messages').values(row).execute();
      await this.writeCallback(trx, event);
      if (!suppressible) {
        return {};
      }
      return this.suppressions.applyKeyword(trx, {
        enterpriseId,
        number: from,
        action: optOut.action,
        keyword: optOut.keyword,
        inboundId: row.id,
      });
    });
    this.suppressions.announce(changed);
    this.ctx.events.emit(MESSAGE_INBOUND_EVENT, event, row.enterprise_id);
    return inboundView(row);
  }

  /**
   * Matching: the enterprises owning the number as a numeric/E.164 sender are the candidates;
   * a claimed keyword (first word) picks one of them (or any enterprise when nobody owns the
   * number); otherwise the latest SMS to the sender within the reply window does; otherwise
   * the only candidate. The account: the keyword's, the replied message's, the one using the
   * number as default sender, or the enterprise's only account.
   */
  private async match(from: string, to: string, text: string): Promise<Match> {
    const db = this.ctx.db;
    const variants = numberVariants(to);
    const owners = await db
      .selectFrom('senders')
      .select('enterprise_id')
      .distinct()
      .where('channel', '=', 'sms')
      .where('kind', 'in', ['numeric', 'e164'])
      .where('status', '!=', 'rejected')
      .where('value', 'in', variants)
      .execute();
    const candidates = owners.map((o) => o.enterprise_id);
    const optOut = await this.optOutKeywords.match(text);
    const word = firstWord(text);
    let claimed: InboxKeywordsTable | undefined;
    if (!optOut && word) {
      claimed = await db
        .selectFrom('inbox_keywords')
        .selectAll()
        .where('keyword', '=', word)
        .executeTakeFirst();
      if (claimed && candidates.length > 0 && !candidates.includes(claimed.enterprise_id)) {
        claimed = undefined;
      }
    }
    const since = new Date(this.ctx.clock.now() - this.ctx.config.inboundReplyDays * DAY_MS).toISOString();
    let recent = db
      .selectFrom('messages')
      .select(['id', 'enterprise_id', 'sending_account_id'])
      .where('recipient', '=', from)
      .where('channel', '=', 'sms')
      .where('created_at', '>=', since);
    if (claimed) {
      recent = recent.where('enterprise_id', '=', claimed.enterprise_id);
    } else if (candidates.length > 0) {
      recent = recent.where('enterprise_id', 'in', candidates);
    } else {
      recent = recent.where('sender', 'in', variants);
    }
    const replied = await recent
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();

    const enterpriseId =
      claimed?.enterprise_id ??
      replied?.enterprise_id ??
      (candidates.length === 1 ? (candidates[0] ?? null) : null);
    let sendingAccountId = claimed?.sending_account_id ?? replied?.sending_account_id ?? null;
    if (enterpriseId !== null && sendingAccountId === null) {
      const accounts = await db
        .selectFrom('sending_accounts')
        .select(['id', 'default_sender'])
        .where('enterprise_id', '=', enterpriseId)
        .orderBy('created_at')
        .limit(200)
        .execute();
      sendingAccountId =
        accounts.find((a) => a.default_sender !== null && variants.includes(a.default_sender))?.id ??
        (accounts.length === 1 ? (accounts[0]?.id ?? null) : null);
    }
    let classification: InboundClassification = 'unknown';
    if (optOut) {
      classification = optOut.action;
    } else if (claimed) {
      classification = 'keyword';
    } else if (replied) {
      classification = 'reply';
    }
    return {
      enterpriseId,
      sendingAccountId,
      classification,
      keyword: optOut?.keyword ?? claimed?.keyword ?? null,
      replyToMessageId: replied?.id ?? null,
      optOut,
    };
  }

  /** Newest first, cursor-paginated; customers see their enterprise's messages only. */
  async list(
    auth: AuthContext,
    q: InboxListInput,
  ): Promise<{ items: InboundView[]; nextCursor: string | null }> {
    let query = this.ctx.db.selectFrom('inbound_messages').selectAll();
    const own = tenantFilter(auth);
    if (own !== null) {
      query = query.where('enterprise_id', '=', own);
    }
    if (q.enterpriseId) {
      query = query.where('enterprise_id', '=', q.enterpriseId);
    }
    if (q.sendingAccountId) {
      query = query.where('sending_account_id', '=', q.sendingAccountId);
    }
    if (q.classification) {
      query = query.where('classification', '=', q.classification);
    }
    if (q.from) {
      query = query.where('received_at', '>=', new Date(q.from).toISOString());
    }
    if (q.to) {
      query = query.where('received_at', '<', new Date(q.to).toISOString());
    }
    const number = q.number?.trim();
    if (number) {
      const forms = [...numberVariants(number), normalizeSender(number)];
      query = query.where((eb) => eb.or([eb('sender', 'in', forms), eb('recipient', 'in', forms)]));
    }
    if (q.cursor) {
      const c = decodeCursor(q.cursor);
      const at = String(c.sortKey);
      query = query.where((eb) =>
        eb.or([eb('received_at', '<', at), eb.and([eb('received_at', '=', at), eb('id', '<', c.id)])]),
      );
    }
    const rows = await query
      .orderBy('received_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.size + 1)
      .execute();
    const page = cursorPage(rows, q.size, (r) => ({ sortKey: r.received_at, id: r.id }));
    return { items: page.items.map(inboundView), nextCursor: page.nextCursor };
  }

  // --- keywords enterprises claim (matching on shared numbers) -------------------------------

  async listKeywords(auth: AuthContext, enterpriseId: string | undefined): Promise<InboxKeywordView[]> {
    let q = this.ctx.db.selectFrom('inbox_keywords').selectAll();
    const own = tenantFilter(auth);
    if (own !== null) {
      q = q.where('enterprise_id', '=', own);
    }
    if (enterpriseId) {
      q = q.where('enterprise_id', '=', enterpriseId);
    }
    const rows = await q.orderBy('keyword').limit(1000).execute();
    return rows.map(keywordView);
  }

  async createKeyword(auth: AuthContext, input: CreateInboxKeywordInput): Promise<InboxKeywordView> {
    const enterpriseId = tenantForWrite(auth, input.enterpriseId);
    if (!enterpriseId) {
      throw errors.invalid([{ field: 'enterpriseId', reason: CustomersReasons.enterpriseRequired }]);
    }
    const ent = await this.ctx.db
      .selectFrom('enterprises')
      .select('id')
      .where('id', '=', enterpriseId)
      .executeTakeFirst();
    if (!ent) {
      throw errors.invalid([{ field: 'enterpriseId', reason: CustomersReasons.enterpriseMissing }]);
    }
    const keyword = normalizeKeyword(input.keyword);
    if (!keyword || firstWord(keyword) !== keyword) {
      throw errors.invalid([{ field: 'keyword', reason: OptOutKeywordReasons.oneWord }]);
    }
    if (await this.optOutKeywords.match(keyword)) {
      throw errors.invalid([{ field: 'keyword', reason: InboxReasons.optOutKeyword }]);
    }
    if (input.sendingAccountId) {
      const acct = await this.ctx.db
        .selectFrom('sending_accounts')
        .select('enterprise_id')
        .where('id', '=', input.sendingAccountId)
        .executeTakeFirst();
      if (acct?.enterprise_id !== enterpriseId) {
        throw errors.invalid([{ field: 'sendingAccountId', reason: InboxReasons.accountMismatch }]);
      }
    }
    const row: InboxKeywordsTable = {
      id: newId(),
      enterprise_id: enterpriseId,
      sending_account_id: input.sendingAccountId ?? null,
      keyword,
      created_at: this.ctx.clock.iso(),
    };
    await this.ctx.db.transaction().execute(async (trx) => {
      const taken = await trx
        .selectFrom('inbox_keywords')
        .select('id')
        .where('keyword', '=', keyword)
        .executeTakeFirst();
      if (taken) {
        throw InboxErrors.keywordTaken();
      }
      await trx.insertInto('inbox_keywords').values(row).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'inbox_keyword',
        entityId: row.id,
        action: 'create',
        after: row,
        enterpriseId,
      });
    });
    return keywordView(row);
  }

  async deleteKeyword(auth: AuthContext, id: string): Promise<void> {
    const before = await this.ctx.db
      .selectFrom('inbox_keywords')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!before) {
      throw InboxErrors.keywordNotFound();
    }
    assertTenant(auth, before.enterprise_id, 'INBOX_KEYWORD_NOT_FOUND');
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('inbox_keywords').where('id', '=', id).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'inbox_keyword',
        entityId: id,
        action: 'delete',
        before,
        enterpriseId: before.enterprise_id,
      });
    });
  }
}
