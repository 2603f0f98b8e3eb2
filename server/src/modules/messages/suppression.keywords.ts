// Opt-out and opt-in keywords (MS-7): platform-wide, per language, seeded with defaults by the
// migration (STOP, UNSUBSCRIBE, 退订, TD, T… / START, UNSTOP, 订阅…) and edited by staff. The
// first word of an inbound message is compared with them, case-insensitively.
import type { AppContext } from '../../context.js';
import type { AuditLog } from '../../platform/audit/audit.js';
import { isCustomer, type AuthContext } from '../../platform/auth/auth-context.js';
import { errors } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids.js';
import type { OptOutAction, OptOutKeywordsTable } from './inbox.tables.js';
import type { CreateOptOutKeywordInput, OptOutKeywordView } from './suppression.schemas.js';
import { OptOutKeywordErrors, OptOutKeywordReasons } from './messages.errors.js';

/** How long a process trusts its copy of the keywords (other nodes may change them). */
const CACHE_MS = 60_000;

/** Separators between words: white space and ASCII/full-width punctuation (not "-"). */
const WORD_SEPARATORS = /[\s,.;:!?，。；：！？、]+/u;

/** A keyword as stored and compared: trimmed, upper-cased. */
export function normalizeKeyword(word: string): string {
  return word.trim().toUpperCase();
}

/** The first word of an inbound text, normalized ("stop." → "STOP", "退订，谢谢" → "退订"). */
export function firstWord(text: string): string {
  const words = text.trim().split(WORD_SEPARATORS).filter(Boolean);
  return normalizeKeyword(words[0] ?? '');
}

export function optOutKeywordView(r: OptOutKeywordsTable): OptOutKeywordView {
  return { id: r.id, keyword: r.keyword, action: r.action, language: r.language, createdAt: r.created_at };
}

export class OptOutKeywordService {
  private cache: { at: number; map: Map<string, OptOutAction> } | null = null;

  constructor(
    private readonly ctx: AppContext,
    private readonly audit: AuditLog,
  ) {}

  /** The action of the text's first word, with the keyword; null when it is none. */
  async match(text: string): Promise<{ keyword: string; action: OptOutAction } | null> {
    const word = firstWord(text);
    if (!word) {
      return null;
    }
    const now = this.ctx.clock.now();
    if (!this.cache || now - this.cache.at >= CACHE_MS) {
      const rows = await this.ctx.db.selectFrom('optout_keywords').select(['keyword', 'action']).execute();
      this.cache = { at: now, map: new Map(rows.map((r) => [r.keyword, r.action])) };
    }
    const action = this.cache.map.get(word);
    return action ? { keyword: word, action } : null;
  }

  async list(): Promise<OptOutKeywordView[]> {
    const rows = await this.ctx.db
      .selectFrom('optout_keywords')
      .selectAll()
      .orderBy('language')
      .orderBy('action')
      .orderBy('keyword')
      .execute();
    return rows.map(optOutKeywordView);
  }

  async create(auth: AuthContext, input: CreateOptOutKeywordInput): Promise<OptOutKeywordView> {
    if (isCustomer(auth)) {
      throw OptOutKeywordErrors.staffOnly();
    }
    const keyword = normalizeKeyword(input.keyword);
    if (!keyword || firstWord(keyword) !== keyword) {
      throw errors.invalid([{ field: 'keyword', reason: OptOutKeywordReasons.oneWord }]);
    }
    const row: OptOutKeywordsTable = {
      id: newId(),
      keyword,
      action: input.action,
      language: input.language,
      created_at: this.ctx.clock.iso(),
    };
    await this.ctx.db.transaction().execute(async (trx) => {
      const exists = await trx
        .selectFrom('optout_keywords')
        .select('id')
        .where('keyword', '=', keyword)
        .executeTakeFirst();
      if (exists) {
        throw OptOutKeywordErrors.exists();
      }
      await trx.insertInto('optout_keywords').values(row).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'optout_keyword',
        entityId: row.id,
        action: 'create',
        after: row,
      });
    });
    this.cache = null;
    return optOutKeywordView(row);
  }

  async delete(auth: AuthContext, id: string): Promise<void> {
    if (isCustomer(auth)) {
      throw OptOutKeywordErrors.staffOnly();
    }
    const before = await this.ctx.db
      .selectFrom('optout_keywords')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!before) {
      throw OptOutKeywordErrors.notFound();
    }
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('optout_keywords').where('id', '=', id).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'optout_keyword',
        entityId: id,
        action: 'delete',
        before,
      });
    });
    this.cache = null;
  }
}
