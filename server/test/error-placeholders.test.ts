// Error texts never show their placeholders unfilled (SPEC §16: a clear message). The rule is
// enforced by walking, not remembering: every error code in the catalogue (`defineError` and the
// platform's own) is checked for the same placeholders in both languages, and every place in
// server/src that builds an error — a `defineError` factory call, `new AppError(...)`,
// `errors.<kind>('CODE', ...)` and the accept path's `rejection('CODE', ...)` — must pass every
// placeholder its code's text names. One send that runs out of balance checks the same through
// HTTP.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogueKeys, translate } from '../src/platform/i18n/i18n.js';
import '../src/app.js'; // loads every module, so every defineError has registered its text
import { createTestApp, type TestApp } from './helpers/app.js';
import { setupMessaging, startSmsc, SMS_PRICE } from './helpers/messaging.js';

const SRC = path.resolve(import.meta.dirname, '../src');

function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string))].sort();
}

function placeholdersOf(code: string): string[] {
  return placeholders(`${translate(code, 'en-US')} ${translate(code, 'zh-CN')}`);
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) {
      return sourceFiles(p);
    }
    return d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') && !d.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** A place that builds an error: where, which code, and the params argument (if any). */
interface Site {
  where: string;
  code: string;
  params: ts.Expression | undefined;
  file: ts.SourceFile;
}

interface Parsed {
  file: ts.SourceFile;
  /** Local object name → factory property → code (`const E = { x: defineError('CODE', …) }`). */
  factoryObjects: Map<string, Map<string, string>>;
  /** Local name → code (`const x = defineError('CODE', …)`). */
  factories: Map<string, string>;
  /** Local name → [file it is imported from, exported name]. */
  imports: Map<string, [string, string]>;
}

function stringOf(e: ts.Expression | undefined): string | undefined {
  return e && (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) ? e.text : undefined;
}

function parse(fileName: string): Parsed {
  const file = ts.createSourceFile(fileName, fs.readFileSync(fileName, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: Parsed = { file, factoryObjects: new Map(), factories: new Map(), imports: new Map() };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const spec = node.moduleSpecifier.text;
      const named = node.importClause?.namedBindings;
      if (spec.startsWith('.') && named && ts.isNamedImports(named)) {
        const target = path.resolve(path.dirname(fileName), spec.replace(/\.js$/, '.ts'));
        for (const el of named.elements) {
          out.imports.set(el.name.text, [target, (el.propertyName ?? el.name).text]);
        }
      }
    }
    if (
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'defineError'
    ) {
      const code = stringOf(node.arguments[0]);
      const parent = node.parent;
      if (code && ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) {
        const obj = parent.parent.parent;
        if (ts.isVariableDeclaration(obj) && ts.isIdentifier(obj.name)) {
          const m = out.factoryObjects.get(obj.name.text) ?? new Map<string, string>();
          m.set(parent.name.text, code);
          out.factoryObjects.set(obj.name.text, m);
        }
      } else if (code && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) {
        out.factories.set(parent.name.text, code);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

/** Placeholders the error envelope fills itself (`platform/http/envelope.ts`). */
const FILLED_BY_ENVELOPE: Record<string, string[]> = { VALIDATION_FAILED: ['summary'] };

const ERROR_HELPERS = new Set(['badRequest', 'unauthorized', 'forbidden', 'notFound', 'conflict']);

function collectSites(): { sites: Site[]; factoryCodes: Set<string> } {
  const parsed = new Map(sourceFiles(SRC).map((f) => [f, parse(f)]));
  const factoryCodes = new Set<string>();
  for (const p of parsed.values()) {
    p.factories.forEach((c) => factoryCodes.add(c));
    p.factoryObjects.forEach((m) => m.forEach((c) => factoryCodes.add(c)));
  }
  /** What a local name of `p` stands for: a factory object or a single factory. */
  const resolve = (p: Parsed, name: string, depth = 0): Map<string, string> | string | undefined => {
    const local = p.factoryObjects.get(name) ?? p.factories.get(name);
    if (local !== undefined || depth > 5) {
      return local;
    }
    const imported = p.imports.get(name);
    const from = imported && parsed.get(imported[0]);
    return from && imported ? resolve(from, imported[1], depth + 1) : undefined;
  };
  const sites: Site[] = [];
  for (const p of parsed.values()) {
    const where = (n: ts.Node) =>
      `${path.relative(SRC, p.file.fileName)}:${p.file.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) {
          const target = resolve(p, callee.expression.text);
          if (target instanceof Map && target.has(callee.name.text)) {
            sites.push({
              where: where(node),
              code: target.get(callee.name.text)!,
              params: node.arguments[0],
              file: p.file,
            });
          } else if (callee.expression.text === 'errors' && ERROR_HELPERS.has(callee.name.text)) {
            const code = stringOf(node.arguments[0]);
            if (code) {
              sites.push({ where: where(node), code, params: node.arguments[1], file: p.file });
            }
          }
        } else if (ts.isIdentifier(callee)) {
          const target = resolve(p, callee.text);
          if (typeof target === 'string') {
            sites.push({ where: where(node), code: target, params: node.arguments[0], file: p.file });
          } else if (callee.text === 'rejection' && stringOf(node.arguments[0])) {
            sites.push({
              where: where(node),
              code: stringOf(node.arguments[0])!,
              params: node.arguments[4],
              file: p.file,
            });
          }
        }
      }
      if (
        ts.isNewExpression(node) &&
        ts.isIdentifier(node.expression) &&
        node.expression.text === 'AppError'
      ) {
        const code = stringOf(node.arguments?.[0]);
        if (code) {
          sites.push({ where: where(node), code, params: node.arguments?.[2], file: p.file });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(p.file);
  }
  return { sites, factoryCodes };
}

/**
 * The keys an expression certainly has: an object literal's properties (spreads of literals
 * followed), a local const initialised with one. `null` when the walk cannot tell (a value
 * computed elsewhere): then the site is listed as unverifiable, which fails too.
 */
/** Stands for params handed on from a caught error: every key counts as given. */
class ForwardedKeys extends Set<string> {
  override has(): boolean {
    return true;
  }
}
const FORWARDED = new ForwardedKeys();

function keysOf(e: ts.Expression | undefined, file: ts.SourceFile): Set<string> | null {
  if (e === undefined) {
    return new Set();
  }
  if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) {
    return keysOf(e.expression, file);
  }
  if (ts.isObjectLiteralExpression(e)) {
    const keys = new Set<string>();
    for (const prop of e.properties) {
      if (ts.isSpreadAssignment(prop)) {
        if (ts.isConditionalExpression(prop.expression) || ts.isParenthesizedExpression(prop.expression)) {
          continue; // a conditional extra (`...(x ? { a } : {})`) adds nothing certain
        }
        const inner = keysOf(prop.expression, file);
        if (inner === null) {
          return null;
        }
        inner.forEach((k) => keys.add(k));
      } else if (prop.name && (ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name))) {
        keys.add(prop.name.text);
      }
    }
    return keys;
  }
  if (ts.isPropertyAccessExpression(e) && e.name.text === 'params') {
    // `err.params` hands on the params of a caught error, which its own throw site filled.
    return FORWARDED;
  }
  if (ts.isIdentifier(e)) {
    let found: ts.Expression | undefined;
    const visit = (n: ts.Node): void => {
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === e.text && n.initializer) {
        found = n.initializer;
      }
      ts.forEachChild(n, visit);
    };
    visit(file);
    return found ? keysOf(found, file) : null;
  }
  return null;
}

describe('SPEC §16 error texts: every placeholder is filled', () => {
  const { sites, factoryCodes } = collectSites();

  it('finds the error factories and the places that throw them', () => {
    expect(factoryCodes.size).toBeGreaterThan(50);
    expect(sites.length).toBeGreaterThan(100);
    expect(sites.some((s) => s.code === 'INSUFFICIENT_BALANCE')).toBe(true);
  });

  it('names the same placeholders in English and Chinese for every code', () => {
    const mismatched = catalogueKeys()
      .filter(
        (k) => placeholders(translate(k, 'en-US')).join() !== placeholders(translate(k, 'zh-CN')).join(),
      )
      .map((k) => `${k}: en ${translate(k, 'en-US')} / zh ${translate(k, 'zh-CN')}`);
    expect(mismatched).toEqual([]);
  });

  it('passes every placeholder of its code at each place an error is built', () => {
    const problems: string[] = [];
    for (const s of sites) {
      const needed = placeholdersOf(s.code).filter((k) => !FILLED_BY_ENVELOPE[s.code]?.includes(k));
      if (needed.length === 0) {
        continue;
      }
      const given = keysOf(s.params, s.file);
      if (given === null) {
        problems.push(`${s.where} ${s.code}: params cannot be read (${s.params?.getText()})`);
        continue;
      }
      const missing = needed.filter((k) => !given.has(k));
      if (missing.length > 0) {
        problems.push(`${s.where} ${s.code}: leaves {${missing.join('}, {')}} unfilled`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('SPEC §16 error texts over HTTP', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('an INSUFFICIENT_BALANCE refusal states the amounts, with no placeholder left', async () => {
    const smsc = await startSmsc();
    try {
      const poor = await setupMessaging(app, { smsc, balance: SMS_PRICE });
      expect((await poor.send({ channel: 'sms', to: '+447400123170', text: 'first' })).status).toBe(201);
      const refused = await poor.send({ channel: 'sms', to: '+447400123171', text: 'second' });
      expect(refused.status).toBe(402);
      expect(refused.json.code).toBe('INSUFFICIENT_BALANCE');
      expect(refused.json.message).not.toMatch(/\{\w+\}/);
      expect(refused.json.message).toContain(String(SMS_PRICE));
    } finally {
      await smsc.stop();
    }
  });
});
