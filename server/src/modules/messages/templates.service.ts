// Message templates (MS-9): per-enterprise templates and the predefined system templates, their
// review status, the preview, and the accept path's `prepare` hook that turns a templated item
// (templateId + variables) into text and subject. Only approved templates can be sent.
import type { AppContext } from '../../context.js';
import type { AuditLog } from '../../platform/audit/audit.js';
import {
  assertTenant,
  isCustomer,
  tenantFilter,
  tenantForWrite,
  type AuthContext,
} from '../../platform/auth/auth-context.js';
import { errors } from '../../platform/http/errors.js';
import { fetchPage } from '../../platform/http/pagination.js';
import type { Pagination } from '../../platform/http/envelope.js';
import { likeEscaped } from '../../platform/db/dialects.js';
import { translate } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import { describeText } from '../../lib/sms/index.js';
import type { SendingContext } from '../customers/index.js';
import type { Rejection, SendItem } from './messages.contract.js';
import type {
  TemplateStatus,
  TemplatesTable,
  TemplateVariable,
  TemplateVariant,
} from './templates.tables.js';
import {
  chooseVariant,
  compileVariant,
  renderVariant,
  TemplateSyntaxError,
  variablesOf,
  type CompiledVariant,
} from './templates.render.js';
import {
  type CreateTemplateInput,
  type PreviewDraftInput,
  type PreviewTemplateInput,
  type TemplateListInput,
  type TemplatePreview,
  type TemplateView,
  type UpdateTemplateInput,
} from './templates.schemas.js';
import './templates.tables.js';
import { TemplateErrors, TemplateReasons } from './messages.errors.js';

/** How long the prepare hook trusts a loaded template (edits in this process drop it at once). */
const CACHE_TTL_MS = 10_000;

interface CachedTemplate {
  id: string;
  enterpriseId: string | null;
  status: TemplateStatus;
  channel: 'sms' | 'email';
  variants: CompiledVariant[];
}

export function templateView(r: TemplatesTable): TemplateView {
  return {
    id: r.id,
    enterpriseId: r.enterprise_id,
    isSystem: r.enterprise_id === null,
    systemKey: r.system_key,
    name: r.name,
    channel: r.channel,
    status: r.status,
    description: r.description,
    variables: JSON.parse(r.variables) as TemplateVariable[],
    variants: JSON.parse(r.variants) as TemplateVariant[],
    reviewNote: r.review_note,
    reviewedBy: r.reviewed_by,
    reviewedAt: r.reviewed_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/**
 * Checks and parses the variants (422 naming the variant and part at fault) and merges the
 * declared variables with those the variants use.
 */
function checkVariants(
  channel: 'sms' | 'email',
  variants: TemplateVariant[],
  declared: TemplateVariable[],
): { compiled: CompiledVariant[]; variables: TemplateVariable[] } {
  const fields: Array<{ field: string; reason: string; params?: Record<string, unknown> }> = [];
  const seen = new Set<string>();
  const compiled: CompiledVariant[] = [];
  variants.forEach((v, i) => {
    const lang = v.language.toLowerCase();
    if (seen.has(lang)) {
      fields.push({ field: `variants.${i}.language`, reason: TemplateReasons.duplicateLanguage });
    }
    seen.add(lang);
    if (channel === 'email' && !v.subject?.trim()) {
      fields.push({ field: `variants.${i}.subject`, reason: 'required' });
    }
    try {
      compiled.push(compileVariant(channel === 'sms' ? { language: v.language, body: v.body } : v));
    } catch (err) {
      if (!(err instanceof TemplateSyntaxError)) {
        throw err;
      }
      fields.push({
        field: `variants.${i}.${err.part}`,
        reason: TemplateReasons.syntax,
        params: { detail: err.message },
      });
    }
  });
  if (fields.length > 0) {
    throw errors.invalid(fields);
  }
  const variables = declared.map((d) => ({ ...d }));
  const known = new Set(variables.map((d) => d.name));
  for (const c of compiled) {
    for (const name of variablesOf(c)) {
      if (!known.has(name)) {
        known.add(name);
        variables.push({ name });
      }
    }
  }
  return { compiled, variables };
}

function cleanVariants(channel: 'sms' | 'email', variants: TemplateVariant[]): TemplateVariant[] {
  return variants.map((v) =>
    channel === 'email' && v.subject !== undefined
      ? { language: v.language, subject: v.subject, body: v.body }
      : { language: v.language, body: v.body },
  );
}

function describe(channel: 'sms' | 'email', text: string, smartEncoding = false) {
  if (channel === 'sms') {
    const d = describeText(text, { smartEncoding });
    return { encoding: d.encoding, segments: d.segments, characters: d.septetsOrUnits };
  }
  return { encoding: null, segments: null, characters: [...text].length };
}

export class TemplateService {
  private readonly cache = new Map<string, { value: CachedTemplate | null; at: number }>();

  constructor(
    private readonly ctx: AppContext,
    private readonly audit: AuditLog,
  ) {}

  // --- reading -------------------------------------------------------------------------------

  async load(auth: AuthContext, id: string): Promise<TemplatesTable> {
    const row = await this.ctx.db.selectFrom('templates').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) {
      throw TemplateErrors.notFound();
    }
    if (row.enterprise_id !== null) {
      assertTenant(auth, row.enterprise_id, 'TEMPLATE_NOT_FOUND');
    }
    return row;
  }

  async get(auth: AuthContext, id: string): Promise<TemplateView> {
    return templateView(await this.load(auth, id));
  }

  async list(
    auth: AuthContext,
    q: TemplateListInput,
  ): Promise<{ items: TemplateView[]; pagination: Pagination }> {
    let base = this.ctx.db.selectFrom('templates');
    const own = tenantFilter(auth);
    if (own !== null) {
      base = base.where((eb) => eb.or([eb('enterprise_id', '=', own), eb('enterprise_id', 'is', null)]));
    }
    if (q.enterpriseId) {
      base = base.where('enterprise_id', '=', q.enterpriseId);
    }
    if (q.scope === 'system') {
      base = base.where('enterprise_id', 'is', null);
    } else if (q.scope === 'enterprise') {
      base = base.where('enterprise_id', 'is not', null);
    }
    if (q.channel) {
      base = base.where('channel', '=', q.channel);
    }
    if (q.status) {
      base = base.where('status', '=', q.status);
    }
    const keyword = q.keyword?.trim();
    if (keyword) {
      base = base.where(likeEscaped(this.ctx.dialect, 'name', keyword));
    }
    const page = await fetchPage(base.selectAll(), q, (qb) =>
      qb.orderBy('created_at', 'desc').orderBy('id', 'desc'),
    );
    return { items: page.items.map(templateView), pagination: page.pagination };
  }

  // --- writing -------------------------------------------------------------------------------

  /** Customers may not change system templates (staff may). */
  private assertWritable(auth: AuthContext, row: TemplatesTable): void {
    if (row.enterprise_id === null && isCustomer(auth)) {
      throw TemplateErrors.readOnly();
    }
  }

  private async assertNameFree(enterpriseId: string | null, name: string, exceptId?: string): Promise<void> {
    let q = this.ctx.db.selectFrom('templates').select('id').where('name', '=', name);
    q =
      enterpriseId === null
        ? q.where('enterprise_id', 'is', null)
        : q.where('enterprise_id', '=', enterpriseId);
    if (exceptId) {
      q = q.where('id', '!=', exceptId);
    }
    if (await q.executeTakeFirst()) {
      throw TemplateErrors.nameTaken();
    }
  }

  /** Creates a draft. Staff without an enterprise create a system template. */
  async create(auth: AuthContext, input: CreateTemplateInput): Promise<TemplateView> {
    const enterpriseId = tenantForWrite(auth, input.enterpriseId);
    if (enterpriseId !== null) {
      const ent = await this.ctx.db
        .selectFrom('enterprises')
        .select('id')
        .where('id', '=', enterpriseId)
        .executeTakeFirst();
      if (!ent) {
        throw errors.invalid([{ field: 'enterpriseId', reason: TemplateReasons.enterpriseMissing }]);
      }
    }
    const variants = cleanVariants(input.channel, input.variants);
    const { variables } = checkVariants(input.channel, variants, input.variables ?? []);
    const name = input.name.trim();
    await this.assertNameFree(enterpriseId, name);
    const now = this.ctx.clock.iso();
    const row: TemplatesTable = {
      id: newId(),
      enterprise_id: enterpriseId,
      system_key: null,
      name,
      channel: input.channel,
      status: 'draft',
      description: input.description ?? '',
      variables: JSON.stringify(variables),
      variants: JSON.stringify(variants),
      review_note: null,
      reviewed_by: null,
      reviewed_at: null,
      created_by: auth.kind === 'user' ? auth.actorId : null,
      created_at: now,
      updated_at: now,
    };
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.insertInto('templates').values(row).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'template',
        entityId: row.id,
        action: 'create',
        after: row,
        enterpriseId,
      });
    });
    const view = templateView(row);
    this.ctx.events.emit('template.created', view, enterpriseId);
    return view;
  }

  /** Changing the text or variables sends an approved or rejected template back to draft. */
  async update(auth: AuthContext, id: string, input: UpdateTemplateInput): Promise<TemplateView> {
    const before = await this.load(auth, id);
    this.assertWritable(auth, before);
    const name = input.name?.trim() ?? before.name;
    if (name !== before.name) {
      await this.assertNameFree(before.enterprise_id, name, id);
    }
    const contentChanged = input.variants !== undefined || input.variables !== undefined;
    let variants = JSON.parse(before.variants) as TemplateVariant[];
    let variables = JSON.parse(before.variables) as TemplateVariable[];
    if (contentChanged) {
      variants = input.variants ? cleanVariants(before.channel, input.variants) : variants;
      // Without a new declaration, keep the descriptions and samples of variables still used.
      const declared = input.variables ?? variables;
      const checked = checkVariants(before.channel, variants, declared);
      variables = input.variables
        ? checked.variables
        : checked.variables.filter((v) => usedBy(checked.compiled, v.name));
    }
    const after: TemplatesTable = {
      ...before,
      name,
      description: input.description ?? before.description,
      variants: JSON.stringify(variants),
      variables: JSON.stringify(variables),
      status: contentChanged && before.status !== 'pending_review' ? 'draft' : before.status,
      updated_at: this.ctx.clock.iso(),
    };
    if (contentChanged && before.status !== 'pending_review') {
      after.review_note = null;
    }
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('templates')
        .set({
          name: after.name,
          description: after.description,
          variants: after.variants,
          variables: after.variables,
          status: after.status,
          review_note: after.review_note,
          updated_at: after.updated_at,
        })
        .where('id', '=', id)
        .execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'template',
        entityId: id,
        action: 'update',
        before,
        after,
        enterpriseId: before.enterprise_id,
      });
    });
    this.cache.delete(id);
    const view = templateView(after);
    this.ctx.events.emit('template.updated', view, before.enterprise_id);
    return view;
  }

  async delete(auth: AuthContext, id: string): Promise<void> {
    const before = await this.load(auth, id);
    this.assertWritable(auth, before);
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('templates').where('id', '=', id).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'template',
        entityId: id,
        action: 'delete',
        before,
        enterpriseId: before.enterprise_id,
      });
    });
    this.cache.delete(id);
    this.ctx.events.emit('template.deleted', { id }, before.enterprise_id);
  }

  /** A draft or rejected template goes to review. */
  async submit(auth: AuthContext, id: string): Promise<TemplateView> {
    const before = await this.load(auth, id);
    this.assertWritable(auth, before);
    if (before.status !== 'draft' && before.status !== 'rejected') {
      throw TemplateErrors.badStatus({ status: before.status });
    }
    return this.setStatus(auth, before, 'pending_review', { note: null, reviewed: false });
  }

  /** Staff approve or reject directly (the review workbench, RV, builds on this). */
  async review(
    auth: AuthContext,
    id: string,
    decision: 'approved' | 'rejected',
    note?: string,
  ): Promise<TemplateView> {
    const before = await this.load(auth, id);
    if (isCustomer(auth)) {
      throw TemplateErrors.reviewByStaff();
    }
    if (before.status === decision) {
      throw TemplateErrors.badStatus({ status: before.status });
    }
    return this.setStatus(auth, before, decision, { note: note ?? null, reviewed: true });
  }

  private async setStatus(
    auth: AuthContext,
    before: TemplatesTable,
    status: TemplateStatus,
    opts: { note: string | null; reviewed: boolean },
  ): Promise<TemplateView> {
    const now = this.ctx.clock.iso();
    const after: TemplatesTable = {
      ...before,
      status,
      review_note: opts.note,
      reviewed_by: opts.reviewed ? auth.actorName : before.reviewed_by,
      reviewed_at: opts.reviewed ? now : before.reviewed_at,
      updated_at: now,
    };
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('templates')
        .set({
          status,
          review_note: after.review_note,
          reviewed_by: after.reviewed_by,
          reviewed_at: after.reviewed_at,
          updated_at: now,
        })
        .where('id', '=', before.id)
        .execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'template',
        entityId: before.id,
        action: 'update',
        before,
        after,
        enterpriseId: before.enterprise_id,
      });
    });
    this.cache.delete(before.id);
    const view = templateView(after);
    this.ctx.events.emit(`template.${status}`, view, before.enterprise_id);
    return view;
  }

  // --- preview -------------------------------------------------------------------------------

  /** Renders a stored template with sample values (declared samples fill what is not given). */
  async preview(auth: AuthContext, id: string, input: PreviewTemplateInput): Promise<TemplatePreview> {
    const row = await this.load(auth, id);
    const view = templateView(row);
    const samples: Record<string, unknown> = {};
    for (const v of view.variables) {
      if (v.sample !== undefined) {
        samples[v.name] = v.sample;
      }
    }
    const values = { ...samples, ...(input.variables ?? {}) };
    const variant = chooseVariant(view.variants, input.language ?? values.language);
    const index = view.variants.indexOf(variant);
    const compiled = compileVariant(variant);
    return this.renderPreview(row.channel, compiled, values, `variants.${index}`);
  }

  /** Renders unsaved text (the editor's live preview). */
  async previewDraft(input: PreviewDraftInput): Promise<TemplatePreview> {
    let compiled: CompiledVariant;
    try {
      compiled = compileVariant({
        language: '',
        body: input.body,
        ...(input.channel === 'email' && input.subject ? { subject: input.subject } : {}),
      });
    } catch (err) {
      if (err instanceof TemplateSyntaxError) {
        throw errors.invalid([
          { field: err.part, reason: TemplateReasons.syntax, params: { detail: err.message } },
        ]);
      }
      throw err;
    }
    return this.renderPreview(input.channel, compiled, input.variables ?? {}, null, input.smartEncoding);
  }

  private async renderPreview(
    channel: 'sms' | 'email',
    compiled: CompiledVariant,
    values: Record<string, unknown>,
    fieldPrefix: string | null,
    smartEncoding = false,
  ): Promise<TemplatePreview> {
    const result = await renderVariant(compiled, values);
    if (!result.ok) {
      if (result.reason === 'missing_variable') {
        throw errors.invalid([
          {
            field: `variables.${result.variable}`,
            reason: TemplateReasons.missingVariable,
            params: { name: result.variable },
          },
        ]);
      }
      throw errors.invalid([
        {
          field: fieldPrefix ? `${fieldPrefix}.body` : 'body',
          reason: TemplateReasons.renderFailed,
          params: { detail: result.message },
        },
      ]);
    }
    return {
      language: result.language || null,
      subject: result.subject,
      text: result.text,
      ...describe(channel, result.text, smartEncoding),
      variables: variablesOf(compiled),
    };
  }

  // --- the accept path -----------------------------------------------------------------------

  private async cached(id: string): Promise<CachedTemplate | null> {
    const now = this.ctx.clock.now();
    const hit = this.cache.get(id);
    if (hit && now - hit.at < CACHE_TTL_MS) {
      return hit.value;
    }
    const row = await this.ctx.db.selectFrom('templates').selectAll().where('id', '=', id).executeTakeFirst();
    let value: CachedTemplate | null = null;
    if (row) {
      const variants = JSON.parse(row.variants) as TemplateVariant[];
      value = {
        id: row.id,
        enterpriseId: row.enterprise_id,
        status: row.status,
        channel: row.channel,
        variants: variants.map((v) => compileVariant(v)),
      };
    }
    if (this.cache.size > 10_000) {
      this.cache.clear();
    }
    this.cache.set(id, { value, at: now });
    return value;
  }

  /**
   * The `prepare` hook: an item with `templateId` gets the rendered text (and subject); a
   * template of another enterprise, not approved, of another channel, or a missing variable
   * rejects the item, naming the variable.
   */
  async prepare(item: SendItem, account: SendingContext): Promise<SendItem | Rejection> {
    if (!item.templateId) {
      return item;
    }
    const reject = (field: string, reason: string, params: Record<string, unknown> = {}): Rejection => ({
      code: 'TEMPLATE_INVALID',
      field,
      reason,
      message: translate(`field.${reason}`, 'en-US', params),
      params,
    });
    const template = UUID.test(item.templateId) ? await this.cached(item.templateId) : null;
    if (!template || (template.enterpriseId !== null && template.enterpriseId !== account.enterprise.id)) {
      return reject('templateId', TemplateReasons.notFound);
    }
    if (template.status !== 'approved') {
      return reject('templateId', TemplateReasons.notApproved, { status: template.status });
    }
    if (template.channel !== item.channel) {
      return reject('templateId', TemplateReasons.channelMismatch, { channel: template.channel });
    }
    const variables = item.variables ?? {};
    const variant = chooseVariant(template.variants, variables.language);
    const result = await renderVariant(variant, variables);
    if (!result.ok) {
      if (result.reason === 'missing_variable') {
        return reject(`variables.${result.variable}`, TemplateReasons.missingVariable, {
          name: result.variable,
        });
      }
      return reject('templateId', TemplateReasons.renderFailed, { detail: result.message });
    }
    const out: SendItem = { ...item, text: result.text };
    if (result.subject !== null) {
      out.subject = result.subject;
    }
    return out;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function usedBy(compiled: CompiledVariant[], name: string): boolean {
  return compiled.some((c) => variablesOf(c).includes(name));
}
