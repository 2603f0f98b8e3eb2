// The response envelope of SPEC §16 ({ code, message, data, pagination?, timestamp }),
// request validation with field-level messages, and the error handler that renders every
// failure the same way in the caller's language.
import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { Type, type TSchema } from 'typebox';
import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifySchemaCompiler,
} from 'fastify';
import { AppError, type FieldError } from './errors.js';
import { localeFrom, translate, type Locale } from '../i18n/i18n.js';

export interface Pagination {
  page: number;
  size: number;
  total: number;
  pages: number;
}

export interface CursorPagination {
  /** Cursor for the next page; null at the end. */
  nextCursor: string | null;
  size: number;
}

export interface Envelope<T> {
  code: number;
  message: string;
  data: T;
  pagination?: Pagination | CursorPagination;
  timestamp: string;
}

const PaginationSchema = Type.Object({
  page: Type.Integer(),
  size: Type.Integer(),
  total: Type.Integer(),
  pages: Type.Integer(),
});

const CursorPaginationSchema = Type.Object({
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  size: Type.Integer(),
});

/** Response schema of a success envelope around `data`. */
export function EnvelopeOf<T extends TSchema>(data: T) {
  return Type.Object({
    code: Type.Integer({ examples: [200] }),
    message: Type.String(),
    data,
    timestamp: Type.String({ format: 'date-time' }),
  });
}

/** Response schema of a page-paginated list. */
export function PageOf<T extends TSchema>(item: T) {
  return Type.Object({
    code: Type.Integer(),
    message: Type.String(),
    data: Type.Array(item),
    pagination: PaginationSchema,
    timestamp: Type.String({ format: 'date-time' }),
  });
}

/** Response schema of a cursor-paginated list. */
export function CursorPageOf<T extends TSchema>(item: T) {
  return Type.Object({
    code: Type.Integer(),
    message: Type.String(),
    data: Type.Array(item),
    pagination: CursorPaginationSchema,
    timestamp: Type.String({ format: 'date-time' }),
  });
}

export const ErrorEnvelope = Type.Object(
  {
    code: Type.Union([Type.String(), Type.Integer()]),
    message: Type.String(),
    data: Type.Null(),
    errors: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), reason: Type.String(), message: Type.String() })),
    ),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    requestId: Type.Optional(Type.String()),
    timestamp: Type.String({ format: 'date-time' }),
  },
  { $id: 'ErrorEnvelope' },
);

export function ok<T>(data: T, code = 200): Envelope<T> {
  return { code, message: 'success', data, timestamp: new Date().toISOString() };
}

export function paged<T>(items: T[], pagination: Pagination): Envelope<T[]> & { pagination: Pagination } {
  return { code: 200, message: 'success', data: items, pagination, timestamp: new Date().toISOString() };
}

export function cursorPaged<T>(
  items: T[],
  pagination: CursorPagination,
): Envelope<T[]> & { pagination: CursorPagination } {
  return { code: 200, message: 'success', data: items, pagination, timestamp: new Date().toISOString() };
}

export function requestLocale(request: FastifyRequest): Locale {
  return localeFrom(request.headers['accept-language']);
}

// --- validation -------------------------------------------------------------------------

function makeAjv(forBody: boolean): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    // A wrong type in a JSON body is an error, not something to guess at; query strings
    // and path parameters are text and are coerced.
    coerceTypes: forBody ? false : 'array',
    useDefaults: true,
    removeAdditional: false,
    strict: false,
  });
  // ajv-formats is CommonJS; its default export is the plugin function.
  (addFormats as unknown as (a: Ajv) => Ajv)(ajv);
  return ajv;
}

const bodyAjv = makeAjv(true);
const queryAjv = makeAjv(false);

export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? bodyAjv : queryAjv;
  return ajv.compile(schema);
};

function fieldOf(err: ErrorObject, part: string): string {
  const base = err.instancePath.replace(/^\//, '').split('/').filter(Boolean).join('.');
  const params = err.params as Record<string, unknown>;
  const extra =
    err.keyword === 'required'
      ? String(params.missingProperty)
      : err.keyword === 'additionalProperties'
        ? String(params.additionalProperty)
        : '';
  const path = [base, extra].filter(Boolean).join('.');
  return path || (part === 'body' ? '' : part);
}

function reasonParams(err: ErrorObject): Record<string, unknown> {
  const p = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'enum':
      return { values: p.allowedValues };
    case 'const':
      return { value: p.allowedValue };
    default:
      return p;
  }
}

/**
 * Collapses Ajv's errors to one per field. Unions report every branch's failure; the
 * first meaningful reason per field is the one a person can act on.
 */
export function fieldErrorsFromAjv(errs: ErrorObject[], part: string, locale: Locale): FieldError[] {
  const byField = new Map<string, FieldError>();
  for (const e of errs) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'if') {
      continue;
    }
    const field = fieldOf(e, part);
    if (byField.has(field)) {
      continue;
    }
    const key = `field.${e.keyword}`;
    const message = translate(key, locale, reasonParams(e));
    byField.set(field, {
      field,
      reason: e.keyword,
      message: message === key ? translate('field.invalid', locale) : message,
    });
  }
  return [...byField.values()];
}

// --- rendering errors -------------------------------------------------------------------

function summary(fields: FieldError[]): string {
  return fields.map((f) => (f.field ? `${f.field} ${f.message}` : f.message)).join('; ');
}

function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  fields?: FieldError[],
  details?: Record<string, unknown>,
): FastifyReply {
  void reply.header('x-error-code', code);
  return reply.status(status).send({
    code,
    message,
    data: null,
    ...(fields && fields.length > 0 ? { errors: fields } : {}),
    ...(details && Object.keys(details).length > 0 ? { details } : {}),
    requestId: request.id,
    timestamp: new Date().toISOString(),
  });
}

export function renderAppError(request: FastifyRequest, reply: FastifyReply, err: AppError): FastifyReply {
  const locale = requestLocale(request);
  const fields: FieldError[] = err.fieldErrors.map((f) => ({
    field: f.field,
    reason: f.reason,
    message: f.message ?? translate(`field.${f.reason}`, locale, f.params ?? {}),
  }));
  const message =
    err.code === 'VALIDATION_FAILED'
      ? translate('VALIDATION_FAILED', locale, { summary: summary(fields) })
      : translate(err.code, locale, err.params);
  for (const [k, v] of Object.entries(err.headers)) {
    void reply.header(k, v);
  }
  return sendError(request, reply, err.status, err.code, message, fields, err.params);
}

export function installErrorHandling(
  app: FastifyInstance,
  opts: { consoleFallback?: (request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined } = {},
): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    const locale = requestLocale(request);
    if (error instanceof AppError) {
      return renderAppError(request, reply, error);
    }
    const fe = error;
    if (fe.validation) {
      const fields = fieldErrorsFromAjv(
        fe.validation as ErrorObject[],
        fe.validationContext ?? 'body',
        locale,
      );
      return sendError(
        request,
        reply,
        422,
        'VALIDATION_FAILED',
        translate('VALIDATION_FAILED', locale, { summary: summary(fields) }),
        fields,
      );
    }
    switch (fe.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return sendError(
          request,
          reply,
          400,
          'INVALID_JSON',
          translate('INVALID_JSON', locale, { reason: fe.message }),
          [{ field: '', reason: 'json', message: fe.message }],
        );
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendError(
          request,
          reply,
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          translate('UNSUPPORTED_MEDIA_TYPE', locale),
        );
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendError(request, reply, 413, 'BODY_TOO_LARGE', translate('BODY_TOO_LARGE', locale));
      default:
        break;
    }
    if (error instanceof SyntaxError && fe.statusCode === 400) {
      return sendError(
        request,
        reply,
        400,
        'INVALID_JSON',
        translate('INVALID_JSON', locale, { reason: fe.message }),
      );
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      const code = fe.statusCode === 429 ? 'RATE_LIMITED' : 'BAD_REQUEST';
      return sendError(request, reply, fe.statusCode, code, fe.message || translate(code, locale));
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendError(request, reply, 500, 'INTERNAL', translate('INTERNAL', locale));
  });

  app.setNotFoundHandler((request, reply) => {
    const served = opts.consoleFallback?.(request, reply);
    if (served) {
      return served;
    }
    const locale = requestLocale(request);
    return sendError(
      request,
      reply,
      404,
      'ROUTE_NOT_FOUND',
      translate('ROUTE_NOT_FOUND', locale, { method: request.method, url: request.url.split('?')[0] }),
    );
  });
}
