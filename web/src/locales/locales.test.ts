import { describe, expect, it } from 'vitest';
import { i18n, mergeLocaleFiles, setLocale, translate } from './index';

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) {
    return [prefix];
  }
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('console locales', () => {
  it('has the same keys in Chinese and English', () => {
    const zh = keys(i18n.global.getLocaleMessage('zh-CN')).sort();
    const en = keys(i18n.global.getLocaleMessage('en-US')).sort();
    expect(zh.filter((k) => !en.includes(k))).toEqual([]);
    expect(en.filter((k) => !zh.includes(k))).toEqual([]);
    expect(en.length).toBeGreaterThan(20);
  });

  it('files each module under its folder name', () => {
    const merged = mergeLocaleFiles({
      './billing/en-US.json': { title: 'Billing' },
      './billing/zh-CN.json': { title: '计费' },
    });
    expect(merged['en-US']).toEqual({ billing: { title: 'Billing' } });
    expect(merged['zh-CN']).toEqual({ billing: { title: '计费' } });
  });

  it('rejects a file not named after a supported locale', () => {
    expect(() => mergeLocaleFiles({ './billing/fr-FR.json': {} })).toThrow(/zh-CN\|en-US/);
  });

  it('switches translations and remembers the choice', () => {
    setLocale('zh-CN');
    expect(translate('common.logout')).toBe('退出登录');
    expect(localStorage.getItem('pigeon.locale')).toBe('zh-CN');
    setLocale('en-US');
    expect(translate('common.logout')).toBe('Sign out');
  });
});
