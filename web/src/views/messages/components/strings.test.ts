// The message pages' strings compile in both languages (vue-i18n treats `@`, `|`, `{` and `}`
// as syntax), and every status the server can report has a label and a tag colour.
import { describe, expect, it } from 'vitest';
import { compile } from '@intlify/core-base';
import { LOCALES, i18n } from '@/locales';
import { FINAL_STATUSES, STATUSES, STATUS_COLORS, isCancelable } from './api';

function leaves(value: unknown, prefix: string): [string, string][] {
  if (typeof value === 'string') {
    return [[prefix, value]];
  }
  if (typeof value !== 'object' || value === null) {
    return [];
  }
  return Object.entries(value).flatMap(([k, v]) => leaves(v, `${prefix}.${k}`));
}

describe('MS-1 MS-4 MS-5 message page strings', () => {
  for (const locale of LOCALES) {
    it(`compile in ${locale} and name every status`, () => {
      const messages: Record<string, unknown> = i18n.global.getLocaleMessage(locale);
      const strings = leaves(messages.messages, 'messages');
      expect(strings.length).toBeGreaterThan(80);
      const broken = strings.filter(([key, source]) => {
        let failed = false;
        compile(source, { key, locale, onError: () => (failed = true) });
        return failed;
      });
      expect(broken).toEqual([]);
      const labels = new Map(strings);
      for (const status of STATUSES) {
        expect(labels.get(`messages.status.${status}`), status).toBeTruthy();
        expect(STATUS_COLORS[status], status).toBeTruthy();
      }
    });
  }

  it('cancels only what has not reached a provider', () => {
    expect(STATUSES.filter(isCancelable)).toEqual(['accepted', 'queued']);
    expect(STATUSES.filter((s) => FINAL_STATUSES.has(s))).toEqual([
      'delivered',
      'undelivered',
      'expired',
      'failed',
      'rejected',
      'canceled',
      'partially_delivered',
    ]);
  });
});
