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

/** A module's error: call it to build the AppError; `code` and `status` document it. */
export type ErrorFactory = ((params?: Record<string, unknown>) => AppError) & {
  readonly code: string;
  readonly status: number;
};

/**
 * Declares a module's error code with its messages, so every code has text in both
 * languages. Returns a factory that builds the error. Each module keeps its declarations in
 * its `<module>.errors.ts`, from which docs/errors.md is generated.
 */
export function defineError(code: string, status: number, en: string, zh: string): ErrorFactory {
  registerMessages({ [code]: { 'en-US': en, 'zh-CN': zh } });
  return Object.assign((params: Record<string, unknown> = {}) => new AppError(code, status, params), {
    code,
    status,
  });
}

/** Declares a field-level reason (used in 422 details) with its text in both languages. */
export function defineReason(reason: string, en: string, zh: string): string {
  registerMessages({ [`field.${reason}`]: { 'en-US': en, 'zh-CN': zh } });
  return reason;
}

/**
 * The platform's own codes (their text is in platform/i18n): what the envelope hook, the
 * guard and the `errors` helpers above answer with, before any module's code.
 */
export const PLATFORM_ERRORS: ReadonlyArray<{ code: string; status: number }> = [
  { code: 'BAD_REQUEST', status: 400 },
  { code: 'INVALID_JSON', status: 400 },
  { code: 'VALIDATION_FAILED', status: 422 },
  { code: 'UNAUTHORIZED', status: 401 },
  { code: 'FORBIDDEN', status: 403 },
  { code: 'NOT_FOUND', status: 404 },
  { code: 'ROUTE_NOT_FOUND', status: 404 },
  { code: 'CONFLICT', status: 409 },
  { code: 'BODY_TOO_LARGE', status: 413 },
  { code: 'UNSUPPORTED_MEDIA_TYPE', status: 415 },
  { code: 'RATE_LIMITED', status: 429 },
  { code: 'INTERNAL', status: 500 },
  { code: 'SERVICE_UNAVAILABLE', status: 503 },
];
