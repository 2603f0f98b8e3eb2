// CSV: streamed exports (ST-3), whose rows are read page by page and written as they come, so
// an export of a large table never sits in memory whole; and parsing of uploaded CSV files.
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

/**
 * Parses CSV text (RFC 4180: quoted fields, doubled quotes, CRLF or LF) into rows with their
 * 1-based line numbers. A leading BOM is dropped; blank lines are skipped.
 */
export function parseCsv(text: string): Array<{ line: number; cells: string[] }> {
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const rows: Array<{ line: number; cells: string[] }> = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let rowHasContent = false;
  const endRow = () => {
    cells.push(cell);
    if (rowHasContent || cells.length > 1 || cell !== '') {
      rows.push({ line: rowLine, cells });
    }
    cells = [];
    cell = '';
    rowHasContent = false;
  };
  for (let i = 0; i < src.length; i++) {
    const ch = src[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          cell += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (ch === '\n') {
          line++;
        }
        cell += ch;
      }
      continue;
    }
    if (ch === '"') {
      quoted = true;
      rowHasContent = true;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
      rowHasContent = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') {
        i++;
      }
      endRow();
      line++;
      rowLine = line;
    } else {
      cell += ch;
    }
  }
  if (cell !== '' || cells.length > 0 || rowHasContent) {
    endRow();
  }
  return rows;
}
