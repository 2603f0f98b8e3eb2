// Every identity, audit and profile string compiles in both languages. vue-i18n treats
// `@`, `|`, `{` and `}` as syntax, and a message that fails to compile breaks the page that
// shows it (a form's rules, a table's columns) only at run time.
import { afterEach, describe, expect, it } from 'vitest';
import { compile } from '@intlify/core-base';
import { LOCALES, i18n, setLocale } from '@/locales';

function leaves(value: unknown, prefix: string): [string, string][] {
  if (typeof value === 'string') {
    return [[prefix, value]];
  }
  if (typeof value !== 'object' || value === null) {
    return [];
  }
  return Object.entries(value).flatMap(([k, v]) => leaves(v, `${prefix}.${k}`));
}

afterEach(() => setLocale('en-US'));

describe('identity, audit and profile strings', () => {
  for (const locale of LOCALES) {
    it(`compile in ${locale}`, () => {
      const messages = i18n.global.getLocaleMessage(locale);
      const strings = ['identity', 'audit', 'profile'].flatMap((mod) => leaves(messages[mod], mod));
      expect(strings.length).toBeGreaterThan(100);
      const broken = strings.filter(([key, source]) => {
        let failed = false;
        compile(source, {
          key,
          locale,
          onError: () => {
            failed = true;
          },
        });
        return failed;
      });
      expect(broken).toEqual([]);
    });
  }
});
