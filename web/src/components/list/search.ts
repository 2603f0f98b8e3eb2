// The search schema of a list page (after vue-vben-admin's grid form schema): each page declares
// its filters in its `data.ts`, and the list composable keeps their values in the URL, so a
// filtered, paged, sorted list survives a reload and can be shared as a link.
import type { Dayjs } from 'dayjs';

/** What every filter says about itself. Labels are i18n keys. */
interface FieldBase {
  label: string;
  /** Shown only when this says so (e.g. staff-only filters). */
  visible?: () => boolean;
  /** Value when the URL has none (and after "reset"). */
  initial?: () => string | undefined;
  width?: number;
  testid?: string;
}

export interface TextField extends FieldBase {
  type: 'text';
  key: string;
  placeholder?: string;
  maxlength?: number;
  /** Rejects a value that does not match (the field turns red, the filter is not applied). */
  pattern?: RegExp;
  /** i18n key of the hint shown for a value that does not match `pattern`. */
  hint?: string;
  upper?: boolean;
}

export interface SelectField extends FieldBase {
  type: 'select';
  key: string;
  options: readonly string[];
  /** i18n prefix: an option `v` is labelled `t(`${optionLabel}.${v}`)`; the value itself otherwise. */
  optionLabel?: string;
  /** The i18n key of an option, when the value does not fit into one (`message.status`). */
  optionKey?: (value: string) => string;
  /** No "all" choice: one option is always selected. */
  required?: boolean;
}

export interface BooleanField extends FieldBase {
  type: 'boolean';
  key: string;
  /** i18n keys of the two choices. */
  yes: string;
  no: string;
}

export interface EntityField extends FieldBase {
  type: 'enterprise' | 'provider';
  key: string;
  channel?: string;
}

export interface AccountField extends FieldBase {
  type: 'account';
  key: string;
  /** The filter holding the enterprise the accounts are chosen from (staff pick it first). */
  enterpriseKey?: string;
}

export interface RangeField extends FieldBase {
  /** `date`: whole days (YYYY-MM-DD); `datetime`: instants (ISO 8601). */
  type: 'date' | 'datetime';
  /** The two filters the range fills: start and end. */
  keys: readonly [string, string];
  /** Start and end when the URL has none (a range that is always set). */
  initialRange?: () => [string, string];
}

export type SearchField = TextField | SelectField | BooleanField | EntityField | AccountField | RangeField;

/** Filter values as the URL holds them: strings, absent when not set. */
export type Filters = Record<string, string | undefined>;

/** Every filter key a schema uses. */
export function filterKeys(schema: readonly SearchField[]): string[] {
  return schema.flatMap((f) => ('keys' in f ? [...f.keys] : [f.key]));
}

/** The initial value of every filter. */
export function initialFilters(schema: readonly SearchField[]): Filters {
  const out: Filters = {};
  for (const f of schema) {
    if ('keys' in f) {
      const range = f.initialRange?.();
      out[f.keys[0]] = range?.[0];
      out[f.keys[1]] = range?.[1];
    } else {
      out[f.key] = f.initial?.();
    }
  }
  return out;
}

/** Whether a text filter's value can be applied. */
export function isValidText(f: TextField, value: string | undefined): boolean {
  return !value || !f.pattern || f.pattern.test(value.trim());
}

/** The filters to apply: trimmed, invalid text dropped, empty ones left out. */
export function appliedFilters(schema: readonly SearchField[], draft: Filters): Filters {
  const out: Filters = {};
  for (const f of schema) {
    if ('keys' in f) {
      const [a, b] = f.keys;
      if (draft[a] && draft[b]) {
        out[a] = draft[a];
        out[b] = draft[b];
      }
      continue;
    }
    let v = draft[f.key]?.trim();
    if (f.type === 'text') {
      v = isValidText(f, v) ? v : undefined;
      v = f.upper === true ? v?.toUpperCase() : v;
    }
    if (v) {
      out[f.key] = v;
    }
  }
  return out;
}

/** A range field's picker value from the filters, and back. */
export function rangeOf(
  f: RangeField,
  filters: Filters,
  parse: (s: string) => Dayjs,
): [Dayjs, Dayjs] | undefined {
  const a = filters[f.keys[0]];
  const b = filters[f.keys[1]];
  return a && b ? [parse(a), parse(b)] : undefined;
}

export function setRange(f: RangeField, filters: Filters, value: [Dayjs, Dayjs] | null | undefined): void {
  const fmt = (d: Dayjs) => (f.type === 'date' ? d.format('YYYY-MM-DD') : d.toISOString());
  filters[f.keys[0]] = value ? fmt(value[0]) : undefined;
  filters[f.keys[1]] = value ? fmt(value[1]) : undefined;
}

/** `'true'`/`'false'` as the API's boolean; undefined when not set. */
export function booleanOf(value: string | undefined): boolean | undefined {
  return value === 'true' ? true : value === 'false' ? false : undefined;
}
