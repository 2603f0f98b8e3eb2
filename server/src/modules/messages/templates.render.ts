// Template rendering (MS-9) with LiquidJS in strict mode: an undefined variable or filter is an
// error naming it, never an empty string. Templates cannot reach the file system (no include
// or render of files) and rendering is bounded in time and memory.
import { Liquid, type Template } from 'liquidjs';
import type { TemplateVariant } from './templates.tables.js';

const engine = new Liquid({
  strictVariables: true,
  strictFilters: true,
  // An in-memory, empty partials map: `{% include %}` / `{% render %}` find nothing.
  templates: {},
  relativeReference: false,
  ownPropertyOnly: true,
  parseLimit: 100_000,
  renderLimit: 1_000,
  memoryLimit: 10_000_000,
});

export interface CompiledVariant {
  language: string;
  subject: Template[] | null;
  body: Template[];
}

export class TemplateSyntaxError extends Error {
  constructor(
    /** Which part failed: `body` or `subject`. */
    readonly part: 'body' | 'subject',
    message: string,
  ) {
    super(message);
    this.name = 'TemplateSyntaxError';
  }
}

function parse(text: string, part: 'body' | 'subject'): Template[] {
  try {
    return engine.parse(text);
  } catch (err) {
    throw new TemplateSyntaxError(part, (err as Error).message);
  }
}

/** Parses one variant; throws TemplateSyntaxError (unknown filter, unclosed tag…). */
export function compileVariant(v: TemplateVariant): CompiledVariant {
  return {
    language: v.language,
    subject: v.subject ? parse(v.subject, 'subject') : null,
    body: parse(v.body, 'body'),
  };
}

/** The top-level variable names a compiled variant reads, in order of first use. */
export function variablesOf(v: CompiledVariant): string[] {
  const names = new Set<string>();
  for (const t of [v.subject, v.body]) {
    if (t) {
      for (const name of engine.globalVariablesSync(t)) {
        names.add(name);
      }
    }
  }
  return [...names];
}

/**
 * Picks the variant for a language: an exact tag match, then the same primary language
 * (`zh` for `zh-TW`), else the first variant.
 */
export function chooseVariant<T extends { language: string }>(variants: readonly T[], language?: unknown): T {
  const first = variants[0];
  if (!first) {
    throw new Error('a template has at least one variant');
  }
  if (typeof language !== 'string' || language === '') {
    return first;
  }
  const wanted = language.toLowerCase();
  const exact = variants.find((v) => v.language.toLowerCase() === wanted);
  if (exact) {
    return exact;
  }
  const primary = wanted.split('-')[0];
  return variants.find((v) => v.language.toLowerCase().split('-')[0] === primary) ?? first;
}

export type RenderResult =
  | { ok: true; language: string; subject: string | null; text: string }
  | { ok: false; reason: 'missing_variable'; variable: string; message: string }
  | { ok: false; reason: 'render_failed'; message: string };

async function renderText(t: Template[], variables: Record<string, unknown>): Promise<string> {
  // liquidjs types the result as any; rendering a parsed template yields a string.
  const out: unknown = await engine.render(t, variables);
  return typeof out === 'string' ? out : String(out);
}

const UNDEFINED_VARIABLE = /undefined variable: ([^,]+)/;

/** Renders a compiled variant with the given variables (strict: a missing one fails, named). */
export async function renderVariant(
  v: CompiledVariant,
  variables: Record<string, unknown>,
): Promise<RenderResult> {
  try {
    const subject = v.subject ? await renderText(v.subject, variables) : null;
    const text = await renderText(v.body, variables);
    return { ok: true, language: v.language, subject, text };
  } catch (err) {
    const message = (err as Error).message;
    const missing = UNDEFINED_VARIABLE.exec(message);
    if (missing?.[1]) {
      return { ok: false, reason: 'missing_variable', variable: missing[1].trim(), message };
    }
    return { ok: false, reason: 'render_failed', message };
  }
}
