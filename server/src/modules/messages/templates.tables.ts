// Table types of message templates (MS-9; see migrations/20261123_1500_templates_callbacks.ts).

export type TemplateStatus = 'draft' | 'pending_review' | 'approved' | 'rejected';
export const TEMPLATE_STATUSES: readonly TemplateStatus[] = [
  'draft',
  'pending_review',
  'approved',
  'rejected',
];
export type TemplateChannel = 'sms' | 'email';

/** One language's text of a template (stored as JSON in `templates.variants`). */
export interface TemplateVariant {
  /** BCP 47 tag, e.g. `zh-CN`, `en-US`, `en`. */
  language: string;
  /** E-mail subject (Liquid); unused for SMS. */
  subject?: string;
  /** The text (Liquid). */
  body: string;
}

/** A variable a template uses (stored as JSON in `templates.variables`). */
export interface TemplateVariable {
  name: string;
  description?: string;
  /** Sample value used by the preview. */
  sample?: string;
}

export interface TemplatesTable {
  id: string;
  /** null: a system template, shared by every tenant, read-only for customers. */
  enterprise_id: string | null;
  /** Stable key of a seeded system template (`file_shared`…); null otherwise. */
  system_key: string | null;
  name: string;
  channel: TemplateChannel;
  status: TemplateStatus;
  description: string;
  /** JSON array of TemplateVariable: declared ones plus those found in the variants. */
  variables: string;
  /** JSON array of TemplateVariant, the first being the default. */
  variants: string;
  review_note: string | null;
  reviewed_by: string | null;
  reviewed_at: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    templates: TemplatesTable;
  }
}
