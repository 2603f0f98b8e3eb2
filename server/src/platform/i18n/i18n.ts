// API error messages in en-US and zh-CN, chosen by Accept-Language. Modules add their own
// codes with `registerMessages` next to where they throw them.
export type Locale = 'en-US' | 'zh-CN';

type Catalogue = Record<string, { 'en-US': string; 'zh-CN': string }>;

const catalogue: Catalogue = {
  // generic
  OK: { 'en-US': 'success', 'zh-CN': '成功' },
  BAD_REQUEST: { 'en-US': 'Bad request', 'zh-CN': '请求错误' },
  INVALID_JSON: {
    'en-US': 'The request body is not valid JSON: {reason}',
    'zh-CN': '请求体不是有效的 JSON：{reason}',
  },
  UNSUPPORTED_MEDIA_TYPE: { 'en-US': 'Unsupported content type', 'zh-CN': '不支持的内容类型' },
  BODY_TOO_LARGE: { 'en-US': 'The request body is too large', 'zh-CN': '请求体过大' },
  VALIDATION_FAILED: { 'en-US': 'Validation failed: {summary}', 'zh-CN': '数据验证失败：{summary}' },
  UNAUTHORIZED: { 'en-US': 'Authentication required', 'zh-CN': '需要登录认证' },
  FORBIDDEN: { 'en-US': 'You do not have permission for this action', 'zh-CN': '没有执行此操作的权限' },
  NOT_FOUND: { 'en-US': 'Not found', 'zh-CN': '资源不存在' },
  ROUTE_NOT_FOUND: { 'en-US': 'No such route: {method} {url}', 'zh-CN': '路由不存在：{method} {url}' },
  CONFLICT: { 'en-US': 'Conflict', 'zh-CN': '数据冲突' },
  RATE_LIMITED: { 'en-US': 'Too many requests, retry later', 'zh-CN': '请求过于频繁，请稍后重试' },
  SERVICE_UNAVAILABLE: {
    'en-US': 'Service temporarily unavailable, retry later',
    'zh-CN': '服务暂时不可用，请稍后重试',
  },
  INTERNAL: { 'en-US': 'Internal server error', 'zh-CN': '服务器内部错误' },
  // validation reasons, keyed by JSON-schema keyword
  'field.required': { 'en-US': 'is required', 'zh-CN': '为必填项' },
  'field.type': { 'en-US': 'must be of type {type}', 'zh-CN': '类型必须为 {type}' },
  'field.minLength': {
    'en-US': 'must be at least {limit} characters',
    'zh-CN': '长度不能少于 {limit} 个字符',
  },
  'field.maxLength': {
    'en-US': 'must be at most {limit} characters',
    'zh-CN': '长度不能超过 {limit} 个字符',
  },
  'field.minimum': { 'en-US': 'must be ≥ {limit}', 'zh-CN': '必须大于或等于 {limit}' },
  'field.maximum': { 'en-US': 'must be ≤ {limit}', 'zh-CN': '必须小于或等于 {limit}' },
  'field.exclusiveMinimum': { 'en-US': 'must be > {limit}', 'zh-CN': '必须大于 {limit}' },
  'field.exclusiveMaximum': { 'en-US': 'must be < {limit}', 'zh-CN': '必须小于 {limit}' },
  'field.minItems': { 'en-US': 'must have at least {limit} items', 'zh-CN': '至少需要 {limit} 项' },
  'field.maxItems': { 'en-US': 'must have at most {limit} items', 'zh-CN': '最多 {limit} 项' },
  'field.pattern': { 'en-US': 'has an invalid format', 'zh-CN': '格式不正确' },
  'field.format': { 'en-US': 'must be a valid {format}', 'zh-CN': '必须是有效的 {format}' },
  'field.enum': { 'en-US': 'must be one of: {values}', 'zh-CN': '必须是以下值之一：{values}' },
  'field.const': { 'en-US': 'must be {value}', 'zh-CN': '必须为 {value}' },
  'field.additionalProperties': { 'en-US': 'is not an allowed field', 'zh-CN': '不是允许的字段' },
  'field.uniqueItems': { 'en-US': 'must not contain duplicates', 'zh-CN': '不能包含重复项' },
  'field.invalid': { 'en-US': 'is invalid', 'zh-CN': '无效' },
};

/**
 * Adds messages to the catalogue. Codes and reasons share one namespace across modules, so a
 * second, different text for a key already defined is a programming error, not an override.
 */
export function registerMessages(messages: Catalogue): void {
  for (const [key, text] of Object.entries(messages)) {
    const existing = catalogue[key];
    if (existing && (existing['en-US'] !== text['en-US'] || existing['zh-CN'] !== text['zh-CN'])) {
      throw new Error(`message "${key}" is already defined with other text ("${existing['en-US']}")`);
    }
    catalogue[key] = text;
  }
}

/** Every key of the catalogue (codes and `field.` reasons), for tests that walk it. */
export function catalogueKeys(): string[] {
  return Object.keys(catalogue);
}

export function hasMessage(key: string): boolean {
  return key in catalogue;
}

export function translate(key: string, locale: Locale, params: Record<string, unknown> = {}): string {
  const entry = catalogue[key];
  const template = entry ? entry[locale] : key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) {
      return `{${name}}`;
    }
    return Array.isArray(v) ? v.map((x) => paramText(x)).join(', ') : paramText(v);
  });
}

function paramText(v: unknown): string {
  if (typeof v === 'string') {
    return v;
  }
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') {
    return v.toString();
  }
  return JSON.stringify(v) ?? '';
}

/** Picks the locale from an Accept-Language header: zh* → zh-CN, otherwise en-US. */
export function localeFrom(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) {
    return 'en-US';
  }
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag = '', ...rest] = part.trim().split(';');
      const q = rest.find((p) => p.trim().startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.trim().slice(2)) || 0 : 1 };
    })
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('zh')) {
      return 'zh-CN';
    }
    if (tag.startsWith('en')) {
      return 'en-US';
    }
  }
  return 'en-US';
}
