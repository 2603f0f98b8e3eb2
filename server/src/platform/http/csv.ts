// Streamed CSV exports (ST-3): rows are read page by page and written as they come, so an
// export of a large table never sits in memory whole.
import { Readable } from 'node:stream';

export function csvCell(v: unknown): string {
  if (v === null || v === undefined) {
    return '';
  }
  const s =
    typeof v === 'string'
      ? v
      : typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint'
        ? v.toString()
        : (JSON.stringify(v) ?? '');
  // Cells starting with = + - @ are prefixed so spreadsheets do not run them as formulas.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(values: unknown[]): string {
  return values.map(csvCell).join(',') + '\r\n';
}

/** A CSV stream with a header row and a UTF-8 BOM (so Excel reads Chinese text correctly). */
export function csvStream<T>(
  columns: Array<{ header: string; value: (row: T) => unknown }>,
  pages: AsyncIterable<T[]>,
): Readable {
  async function* generate(): AsyncGenerator<string> {
    yield '\uFEFF' + csvLine(columns.map((c) => c.header));
    for await (const page of pages) {
      let chunk = '';
      for (const row of page) {
        chunk += csvLine(columns.map((c) => c.value(row)));
      }
      yield chunk;
    }
  }
  return Readable.from(generate());
}
