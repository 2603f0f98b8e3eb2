// Connection settings per provider type: validation against the type's schema, the secret
// fields that are never returned, and the connector options built from a provider record.
import type { TSchema } from 'typebox';
import { isTimeZone, wallClock, zonedToUtc } from '../../platform/time-zones.js';
import { Value } from 'typebox/value';
import type { ConnectorConfig } from '../../delivery/connectors/index.js';
import { errors } from '../../platform/http/errors.js';
import { HttpSettings, SmppSettings, SmtpSettings } from './providers.schemas.js';
import type { ProviderChannel, ProvidersTable, ProviderType } from './providers.tables.js';
import { ProviderSettingReasons } from './providers.errors.js';

const SCHEMAS: Record<ProviderType, TSchema> = { smpp: SmppSettings, smtp: SmtpSettings, http: HttpSettings };

/** Which channels each connector type can carry. */
export const CHANNELS_OF_TYPE: Record<ProviderType, readonly ProviderChannel[]> = {
  smpp: ['sms'],
  smtp: ['email'],
  http: ['sms', 'email', 'webhook'],
};

export type Settings = Record<string, unknown>;

export function assertChannelFits(type: ProviderType, channel: ProviderChannel): void {
  if (!CHANNELS_OF_TYPE[type].includes(channel)) {
    throw errors.invalid([
      { field: 'channel', reason: ProviderSettingReasons.channelType, params: { type, channel } },
    ]);
  }
}

export function assertTimeZone(tz: string): void {
  if (!isTimeZone(tz)) {
    throw errors.invalid([{ field: 'quotaTimezone', reason: ProviderSettingReasons.badTimeZone }]);
  }
}

/** The property a `required` or `additionalProperties` error names (one name or a list). */
function firstName(v: unknown): string {
  const first: unknown = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : '';
}

/** Throws a 422 with one field error per problem (`settings.<path>`). */
export function validateSettings(type: ProviderType, settings: Settings): void {
  const problems = [...Value.Errors(SCHEMAS[type], settings)];
  if (problems.length > 0) {
    const seen = new Set<string>();
    const fields: Array<{ field: string; reason: string; params?: Record<string, unknown> }> = [];
    for (const e of problems) {
      if (e.keyword === 'anyOf' || e.keyword === 'oneOf') {
        continue;
      }
      const params = e.params as Record<string, unknown>;
      const extra =
        e.keyword === 'required'
          ? firstName(params.requiredProperties ?? params.missingProperty)
          : e.keyword === 'additionalProperties'
            ? firstName(params.additionalProperties ?? params.additionalProperty)
            : '';
      const path = ['settings', ...e.instancePath.split('/').filter(Boolean), extra]
        .filter(Boolean)
        .join('.');
      if (!seen.has(path)) {
        seen.add(path);
        fields.push({ field: path, reason: e.keyword, params });
      }
    }
    throw errors.invalid(fields.length > 0 ? fields : [{ field: 'settings', reason: 'invalid' }]);
  }
  if (type === 'smpp' && typeof settings.password !== 'string') {
    throw errors.invalid([{ field: 'settings.password', reason: ProviderSettingReasons.passwordRequired }]);
  }
}

/** New settings from an update: secrets left out keep their stored values. */
export function mergeSecrets(type: ProviderType, stored: Settings, incoming: Settings): Settings {
  const out = { ...incoming };
  if ((type === 'smpp' || type === 'smtp') && out.password === undefined && stored.password !== undefined) {
    out.password = stored.password;
  }
  if (type === 'http') {
    const storedSecrets = (stored.secretVariables ?? {}) as Record<string, string>;
    if (out.secretVariables === undefined && Object.keys(storedSecrets).length > 0) {
      out.secretVariables = storedSecrets;
    }
  }
  return out;
}

/** Settings as shown to operators: without secrets, with what is stored said as flags. */
export function publicSettings(settings: Settings): {
  settings: Settings;
  hasPassword: boolean;
  secretVariableNames: string[];
} {
  const { password, secretVariables, ...rest } = settings;
  return {
    settings: rest,
    hasPassword: typeof password === 'string' && password.length > 0,
    secretVariableNames: Object.keys(secretVariables ?? {}).sort(),
  };
}

/** The connector options of a provider record. */
export function connectorConfigOf(row: ProvidersTable): ConnectorConfig {
  const settings = JSON.parse(row.settings) as Settings;
  switch (row.type) {
    case 'smpp': {
      const { defaultFrom: _from, password, ...s } = settings as SmppSettings;
      return {
        type: 'smpp',
        ...s,
        password: password ?? '',
        ...(row.tps !== null ? { tps: row.tps } : {}),
        ...(row.window_size !== null ? { window: row.window_size } : {}),
      };
    }
    case 'smtp': {
      const { from: _from, user, password, ...s } = settings as SmtpSettings;
      return {
        type: 'smtp',
        ...s,
        ...(user ? { auth: { user, pass: password ?? '' } } : {}),
        ...(row.window_size !== null && s.maxConnections === undefined
          ? { maxConnections: row.window_size }
          : {}),
      };
    }
    case 'http': {
      const { secretVariables, variables, ...s } = settings as HttpSettings;
      return {
        type: 'http',
        ...(s as Omit<HttpSettings, 'secretVariables' | 'variables'>),
        variables: { ...(variables ?? {}), ...(secretVariables ?? {}) },
        ...(row.window_size !== null && s.maxConnections === undefined
          ? { maxConnections: row.window_size }
          : {}),
      };
    }
  }
}

/** The sender a test send uses when the operator gives none. */
export function defaultSenderOf(row: ProvidersTable): string | undefined {
  const settings = JSON.parse(row.settings) as Settings;
  const v = row.type === 'smtp' ? settings.from : settings.defaultFrom;
  return typeof v === 'string' ? v : undefined;
}

// --- daily quota reset --------------------------------------------------------------------

/** The first instant after `nowMs` at which the local time in `timeZone` is `hhmm`. */
export function nextQuotaReset(nowMs: number, hhmm: string, timeZone: string): string {
  const [h = 0, mi = 0] = hhmm.split(':').map(Number);
  const today = wallClock(nowMs, timeZone);
  let at = zonedToUtc(today.y, today.mo, today.d, h, mi, timeZone);
  if (at <= nowMs) {
    const t = new Date(Date.UTC(today.y, today.mo - 1, today.d + 1));
    at = zonedToUtc(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate(), h, mi, timeZone);
  }
  return new Date(at).toISOString();
}
