// docs/errors.md is generated from the error catalogues and must match them; every error code
// and field reason of a module is declared in that module's catalogue (`<module>.errors.ts`).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERRORS_DOC, catalogueFiles, errorsMarkdown } from '../scripts/errors-doc.js';

const srcDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    return d.isDirectory() ? sourceFiles(full) : d.name.endsWith('.ts') ? [full] : [];
  });
}

describe('SPEC §16 error catalogue', () => {
  it('keeps docs/errors.md true to the catalogues (run `npm run gen:errors` after a change)', async () => {
    expect(fs.readFileSync(ERRORS_DOC, 'utf8')).toBe(await errorsMarkdown());
  });

  it('declares every error code and field reason in a module catalogue, none elsewhere', () => {
    const stray = sourceFiles(srcDir)
      .filter((f) => !f.endsWith('.errors.ts') && !f.endsWith('.test.ts'))
      .filter((f) => path.relative(srcDir, f) !== path.join('platform', 'http', 'errors.ts'))
      .filter((f) => /\bdefine(Error|Reason)\(/.test(fs.readFileSync(f, 'utf8')))
      .map((f) => path.relative(srcDir, f));
    expect(stray).toEqual([]);
  });

  it('has a catalogue for every module that answers with its own codes', () => {
    const modules = catalogueFiles().map((c) => c.module);
    expect(modules).toEqual(
      expect.arrayContaining(['billing', 'customers', 'identity', 'messages', 'providers', 'routing']),
    );
    expect(modules).toEqual(expect.arrayContaining(['smpp-server', 'stats']));
  });
});
