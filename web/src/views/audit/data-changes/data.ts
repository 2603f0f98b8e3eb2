// The before/after diff of a data-change entry: one row per field present on either side,
// marked when its value changed. Nested values compare and show as JSON.

export interface DiffRow {
  field: string;
  before: string;
  after: string;
  changed: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as the diff shows it: strings bare, everything else as JSON, absent as ''. */
export function showValue(value: unknown): string {
  if (value === undefined) {
    return '';
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function diffRows(before: unknown, after: unknown): DiffRow[] {
  if (!isRecord(before) && !isRecord(after)) {
    const b = showValue(before ?? undefined);
    const a = showValue(after ?? undefined);
    return [{ field: '', before: b, after: a, changed: b !== a }];
  }
  const b = isRecord(before) ? before : {};
  const a = isRecord(after) ? after : {};
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
  return fields.map((field) => {
    const was = showValue(b[field]);
    const now = showValue(a[field]);
    return { field, before: was, after: now, changed: was !== now || field in b !== field in a };
  });
}
