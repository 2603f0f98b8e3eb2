// The console's languages. Each module keeps its strings in locales/<module>/<locale>.json
// and they are merged here under the module's name, so `locales/billing/en-US.json` with
// { "title": "Billing" } is `t('billing.title')`. Adding a module adds files, never edits
// this one.
import { computed } from 'vue';
import { createI18n, type LocaleMessageValue, type VueMessageType } from 'vue-i18n';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import antdZhCN from 'ant-design-vue/es/locale/zh_CN';
import antdEnUS from 'ant-design-vue/es/locale/en_US';

export const LOCALES = ['zh-CN', 'en-US'] as const;
export type Locale = (typeof LOCALES)[number];

/** Each language named in itself, as the language switch shows it whatever the current locale. */
export const LOCALE_NAMES: Record<Locale, string> = { 'zh-CN': '中文', 'en-US': 'English' };

const STORAGE_KEY = 'pigeon.locale';

type Messages = Record<string, LocaleMessageValue<VueMessageType>>;

const files = import.meta.glob<Messages>('./*/*.json', { eager: true, import: 'default' });

/** Builds { locale: { module: strings } } from './<module>/<locale>.json' paths. */
export function mergeLocaleFiles(found: Record<string, Messages>): Record<Locale, Messages> {
  const out: Record<Locale, Messages> = { 'zh-CN': {}, 'en-US': {} };
  for (const [file, strings] of Object.entries(found)) {
    const match = /\/([\w-]+)\/([\w-]+)\.json$/.exec(file);
    const mod = match?.[1];
    const locale = match?.[2];
    if (mod === undefined || !isLocale(locale)) {
      throw new Error(`locale file ${file} must be named <module>/<zh-CN|en-US>.json`);
    }
    out[locale][mod] = strings;
  }
  return out;
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The saved choice, else the browser's language (any Chinese variant → zh-CN), else English. */
export function initialLocale(): Locale {
  const saved = safeStorageGet(STORAGE_KEY);
  if (isLocale(saved)) {
    return saved;
  }
  const browser = typeof navigator === 'undefined' ? '' : navigator.language;
  return browser.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en-US';
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'en-US',
  messages: mergeLocaleFiles(files),
  missingWarn: import.meta.env.DEV,
  fallbackWarn: import.meta.env.DEV,
});

/** The current locale, reactive. */
export const currentLocale = computed<Locale>(() => i18n.global.locale.value);

const ANTD_LOCALES = { 'zh-CN': antdZhCN, 'en-US': antdEnUS } as const;
const DAYJS_LOCALES: Record<Locale, string> = { 'zh-CN': 'zh-cn', 'en-US': 'en' };

/** Ant Design's own strings (pagination, pickers, empty states) for the current locale. */
export const antdLocale = computed(() => ANTD_LOCALES[currentLocale.value]);

/** Switches every part of the console: our strings, Ant Design, dayjs, <html lang>, and the saved choice. */
export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  dayjs.locale(DAYJS_LOCALES[locale]);
  if (typeof document !== 'undefined') {
    document.documentElement.lang = locale;
  }
  safeStorageSet(STORAGE_KEY, locale);
}

/** Translates outside components (request client, router, document title). */
export function translate(key: string, params: Record<string, unknown> = {}): string {
  return i18n.global.t(key, params);
}

function safeStorageGet(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function safeStorageSet(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Private mode or storage disabled: the choice lasts for this page only.
  }
}

// Apply the initial choice to dayjs and <html lang> without re-saving a browser default.
dayjs.locale(DAYJS_LOCALES[currentLocale.value]);
if (typeof document !== 'undefined') {
  document.documentElement.lang = currentLocale.value;
}
