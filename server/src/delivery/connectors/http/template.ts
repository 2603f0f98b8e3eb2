// Request templates for HTTP providers: `{{name}}` placeholders, optionally with a filter that
// escapes the value for where it stands — `{{text|url}}`, `{{text|json}}`, `{{text|xml}}`,
// `{{text|raw}}`. Values in a URL are URL-encoded unless a filter says otherwise.

export type TemplateFilter = 'raw' | 'url' | 'json' | 'xml';

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w.]*)\s*(?:\|\s*([a-z]+)\s*)?\}\}/g;

const FILTERS: Readonly<Record<TemplateFilter, (value: string) => string>> = {
  raw: (v) => v,
  url: (v) => encodeURIComponent(v),
  json: (v) => JSON.stringify(v).slice(1, -1),
  xml: (v) =>
    v.replace(
      /[&<>"']/g,
      (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch] ?? ch,
    ),
};

function isFilter(name: string): name is TemplateFilter {
  return name in FILTERS;
}

/** Names a template uses; throws on an unknown filter. */
export function templateVariables(template: string): string[] {
  const names: string[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    const filter = match[2];
    if (filter !== undefined && !isFilter(filter)) {
      throw new Error(`unknown template filter "${filter}" in ${template}`);
    }
    names.push(match[1] ?? '');
  }
  return names;
}

export function renderTemplate(
  template: string,
  variables: Readonly<Record<string, string>>,
  defaultFilter: TemplateFilter = 'raw',
): string {
  return template.replace(PLACEHOLDER, (_whole, name: string, filter: string | undefined) => {
    const value = variables[name];
    if (value === undefined) {
      throw new Error(`unknown template variable "${name}"`);
    }
    const chosen = filter ?? defaultFilter;
    if (!isFilter(chosen)) {
      throw new Error(`unknown template filter "${chosen}"`);
    }
    return FILTERS[chosen](value);
  });
}

/** Renders every string inside a JSON template (objects and arrays walked, other values kept). */
export function renderJsonTemplate(template: unknown, variables: Readonly<Record<string, string>>): unknown {
  if (typeof template === 'string') {
    return renderTemplate(template, variables, 'raw');
  }
  if (Array.isArray(template)) {
    return template.map((item) => renderJsonTemplate(item, variables));
  }
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(
      Object.entries(template).map(([key, value]) => [key, renderJsonTemplate(value, variables)]),
    );
  }
  return template;
}

/** Every string inside a JSON template, for validation. */
export function jsonTemplateStrings(template: unknown): string[] {
  if (typeof template === 'string') {
    return [template];
  }
  if (Array.isArray(template)) {
    return template.flatMap(jsonTemplateStrings);
  }
  if (template !== null && typeof template === 'object') {
    return Object.values(template).flatMap(jsonTemplateStrings);
  }
  return [];
}

/**
 * The value at a dotted path (`data.messages.0.id`, `data.messages[0].id`); undefined when any
 * step is missing.
 */
export function getPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const step of path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((s) => s !== '')) {
    if (current === null || typeof current !== 'object') {
      return undefined;
    }
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}
