// The one error catalogue (CONVENTIONS: Fastify's lib/errors.js). Services throw AppError;
// the error hook in `envelope.ts` turns it into the SPEC §16 envelope in the caller's language.
import { registerMessages } from '../i18n/i18n.js';

export interface FieldError {
  /** Dotted path of the offending field, e.g. `items.3.to`; empty for the body as a whole. */
  field: string;
  /** Machine-readable reason, e.g. `required`, `maxLength`, or a module's own reason code. */
  reason: string;
  /** Human-readable text in the caller's language. */
  message: string;
}

export class AppError extends Error {
  constructor(
    /** Stable machine-readable code, e.g. `ENTERPRISE_HAS_SENDING_ACCOUNTS`. */
    readonly code: string,
    readonly status: number,
    /** Parameters for the localized message, and extra data returned to the caller. */
    readonly params: Record<string, unknown> = {},
    readonly fieldErrors: Array<
      Omit<FieldError, 'message'> & { message?: string; params?: Record<string, unknown> }
    > = [],
    /** Extra response headers, e.g. Retry-After. */
    readonly headers: Record<string, string> = {},
  ) {
    super(code);
    this.name = 'AppError';
  }
}

/** Helpers for the common cases; module-specific codes register their text with `defineError`. */
export const errors = {
  badRequest: (code = 'BAD_REQUEST', params: Record<string, unknown> = {}) => new AppError(code, 400, params),
  unauthorized: (code = 'UNAUTHORIZED', params: Record<string, unknown> = {}) =>
    new AppError(code, 401, params),
  forbidden: (code = 'FORBIDDEN', params: Record<string, unknown> = {}) => new AppError(code, 403, params),
  notFound: (code = 'NOT_FOUND', params: Record<string, unknown> = {}) => new AppError(code, 404, params),
  conflict: (code = 'CONFLICT', params: Record<string, unknown> = {}) => new AppError(code, 409, params),
  /** One or more fields failed a business rule (422 with field-level details). */
  invalid: (fields: Array<{ field: string; reason: string; params?: Record<string, unknown> }>) =>
    new AppError('VALIDATION_FAILED', 422, {}, fields),
  rateLimited: (retryAfterSeconds: number, code = 'RATE_LIMITED') =>
    new AppError(code, 429, { retryAfter: retryAfterSeconds }, [], {
      'retry-after': String(retryAfterSeconds),
    }),
  unavailable: (retryAfterSeconds: number, code = 'SERVICE_UNAVAILABLE') =>
    new AppError(code, 503, { retryAfter: retryAfterSeconds }, [], {
      'retry-after': String(retryAfterSeconds),
    }),
};

/**
 * Declares a module's error code with its messages, so every code has text in both
 * languages. Returns a factory that builds the error.
 */
export function defineError(
  code: string,
  status: number,
  en: string,
  zh: string,
): (params?: Record<string, unknown>) => AppError {
  registerMessages({ [code]: { 'en-US': en, 'zh-CN': zh } });
  return (params = {}) => new AppError(code, status, params);
}

/** Declares a field-level reason (used in 422 details) with its text in both languages. */
export function defineReason(reason: string, en: string, zh: string): string {
  registerMessages({ [`field.${reason}`]: { 'en-US': en, 'zh-CN': zh } });
  return reason;
}
