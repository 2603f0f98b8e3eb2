// Request and response schemas of the providers module (DL-1, DL-4, DL-5). The connection
// settings are validated per provider type in the service against the schemas below, which
// follow the connectors' option shapes (delivery/connectors/*). Secrets are write-only.
import { Type, type Static } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../../platform/http/schemas.js';
import { PageQuery } from '../../platform/http/pagination.js';

export const ProviderChannelSchema = Type.Union(
  [Type.Literal('sms'), Type.Literal('email'), Type.Literal('webhook')],
  { description: 'What the provider carries.' },
);
export const ProviderTypeSchema = Type.Union(
  [Type.Literal('smpp'), Type.Literal('smtp'), Type.Literal('http')],
  {
    description: 'Protocol of the connector.',
  },
);
export const ProviderHealthSchema = Type.Union([
  Type.Literal('unknown'),
  Type.Literal('healthy'),
  Type.Literal('unhealthy'),
]);

const Port = Type.Integer({ minimum: 1, maximum: 65535 });
const Ms = Type.Integer({ minimum: 0, maximum: 3_600_000 });
const TonNpi = Type.Integer({ minimum: 0, maximum: 255 });
const IdFormat = Type.Union([
  Type.Literal('auto'),
  Type.Literal('decimal'),
  Type.Literal('hex'),
  Type.Literal('string'),
]);
const FailureKind = Type.Union([Type.Literal('retryable'), Type.Literal('permanent')]);
const ReceiptStatus = Type.Union(
  ['enroute', 'delivered', 'expired', 'deleted', 'undelivered', 'accepted', 'unknown', 'rejected'].map((s) =>
    Type.Literal(s),
  ),
);

/** SMPP settings (SmppConnectorOptions minus tps/window, which are provider columns). */
export const SmppSettings = Type.Object(
  {
    host: Type.String({ minLength: 1, maxLength: 255 }),
    port: Port,
    systemId: Type.String({ minLength: 1, maxLength: 16 }),
    password: Type.Optional(Type.String({ maxLength: 9 })),
    systemType: Type.Optional(Type.String({ maxLength: 13 })),
    bindMode: Type.Optional(
      Type.Union([
        Type.Literal('transceiver'),
        Type.Literal('transmitter'),
        Type.Literal('receiver'),
        Type.Literal('transmitter+receiver'),
      ]),
    ),
    interfaceVersion: Type.Optional(Type.Integer({ minimum: 0, maximum: 255 })),
    addressRange: Type.Optional(Type.String({ maxLength: 41 })),
    sourceTon: Type.Optional(TonNpi),
    sourceNpi: Type.Optional(TonNpi),
    destTon: Type.Optional(TonNpi),
    destNpi: Type.Optional(TonNpi),
    serviceType: Type.Optional(Type.String({ maxLength: 6 })),
    registeredDelivery: Type.Optional(Type.Integer({ minimum: 0, maximum: 255 })),
    enquireLinkIntervalMs: Type.Optional(Ms),
    responseTimeoutMs: Type.Optional(Ms),
    connectTimeoutMs: Type.Optional(Ms),
    reconnectInitialDelayMs: Type.Optional(Ms),
    reconnectMaxDelayMs: Type.Optional(Ms),
    submitTimeoutMs: Type.Optional(Ms),
    maxSubmitAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
    messageIdFormat: Type.Optional(
      Type.Object(
        { submitResponse: Type.Optional(IdFormat), receipt: Type.Optional(IdFormat) },
        { additionalProperties: false },
      ),
    ),
    /** Sender used by a test send when none is given. */
    defaultFrom: Type.Optional(Type.String({ maxLength: 21 })),
  },
  { additionalProperties: false },
);
export type SmppSettings = Static<typeof SmppSettings>;

export const SmtpSettings = Type.Object(
  {
    host: Type.String({ minLength: 1, maxLength: 255 }),
    port: Port,
    secure: Type.Optional(Type.Boolean()),
    requireTls: Type.Optional(Type.Boolean()),
    ignoreTls: Type.Optional(Type.Boolean()),
    allowInvalidCertificates: Type.Optional(Type.Boolean()),
    user: Type.Optional(Type.String({ maxLength: 255 })),
    password: Type.Optional(Type.String({ maxLength: 255 })),
    /** Default From address of messages sent through this provider. */
    from: Type.String({ minLength: 3, maxLength: 320 }),
    maxConnections: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    maxMessagesPerConnection: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    connectionTimeoutMs: Type.Optional(Ms),
    socketTimeoutMs: Type.Optional(Ms),
    clientName: Type.Optional(Type.String({ maxLength: 255 })),
  },
  { additionalProperties: false },
);
export type SmtpSettings = Static<typeof SmtpSettings>;

const StringMap = Type.Record(Type.String(), Type.String());

export const HttpSettings = Type.Object(
  {
    request: Type.Object(
      {
        method: Type.Optional(
          Type.Union(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => Type.Literal(m))),
        ),
        url: Type.String({ minLength: 8, maxLength: 2000 }),
        headers: Type.Optional(StringMap),
        json: Type.Optional(Type.Unknown()),
        form: Type.Optional(StringMap),
        body: Type.Optional(Type.String({ maxLength: 100_000 })),
      },
      { additionalProperties: false },
    ),
    variables: Type.Optional(StringMap),
    /** Template variables that are secrets (API keys, tokens): write-only. */
    secretVariables: Type.Optional(StringMap),
    timeoutMs: Type.Optional(Ms),
    success: Type.Optional(
      Type.Object(
        {
          statuses: Type.Optional(Type.Array(Type.Integer({ minimum: 100, maximum: 599 }))),
          path: Type.Optional(Type.String()),
          equals: Type.Optional(Type.Unknown()),
        },
        { additionalProperties: false },
      ),
    ),
    providerIdPath: Type.Optional(Type.String()),
    errorCodePath: Type.Optional(Type.String()),
    errorMessagePath: Type.Optional(Type.String()),
    retryableStatuses: Type.Optional(Type.Array(Type.Integer({ minimum: 100, maximum: 599 }))),
    permanentStatuses: Type.Optional(Type.Array(Type.Integer({ minimum: 100, maximum: 599 }))),
    retryableErrorCodes: Type.Optional(Type.Array(Type.String())),
    rejectedKind: Type.Optional(FailureKind),
    health: Type.Optional(
      Type.Object(
        {
          url: Type.String({ minLength: 8, maxLength: 2000 }),
          method: Type.Optional(Type.Union([Type.Literal('GET'), Type.Literal('HEAD')])),
          expectStatuses: Type.Optional(Type.Array(Type.Integer({ minimum: 100, maximum: 599 }))),
        },
        { additionalProperties: false },
      ),
    ),
    receipt: Type.Optional(
      Type.Object(
        {
          itemsPath: Type.Optional(Type.String()),
          idPath: Type.String(),
          statusPath: Type.String(),
          statusMap: Type.Record(Type.String(), ReceiptStatus),
          errorCodePath: Type.Optional(Type.String()),
          doneAtPath: Type.Optional(Type.String()),
          idFormat: Type.Optional(IdFormat),
        },
        { additionalProperties: false },
      ),
    ),
    maxConnections: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);
export type HttpSettings = Static<typeof HttpSettings>;

const Settings = Type.Record(Type.String(), Type.Unknown(), {
  description:
    'Connection settings of the provider type: smpp {host, port, systemId, password, systemType, bindMode, ' +
    'sourceTon/Npi, destTon/Npi, enquireLinkIntervalMs, …}; smtp {host, port, secure, user, password, from, …}; ' +
    'http {request {method, url, headers, json|form|body}, variables, secretVariables, success, providerIdPath, ' +
    'health, receipt, …}. Passwords and secretVariables are write-only; on update, leaving them out keeps them.',
});

const HhMm = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM' });
const TimeZone = Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone' });

const Editable = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  settings: Settings,
  enabled: Type.Boolean(),
  priority: Type.Integer({ minimum: 0, maximum: 1000, description: 'Default priority in route tiers.' }),
  weight: Type.Integer({ minimum: 1, maximum: 1000, description: 'Default weight in route tiers.' }),
  tps: Nullable(Type.Integer({ minimum: 1, maximum: 100_000, description: 'Message parts per second.' })),
  windowSize: Nullable(Type.Integer({ minimum: 1, maximum: 1000, description: 'Outstanding submits.' })),
  dailyQuota: Nullable(Type.Integer({ minimum: 0, description: 'Messages per day; null: no quota.' })),
  quotaResetTime: HhMm,
  quotaTimezone: TimeZone,
  remark: Type.String({ maxLength: 500 }),
};

export const ProviderCreate = Type.Object(
  {
    name: Editable.name,
    channel: ProviderChannelSchema,
    type: ProviderTypeSchema,
    settings: Editable.settings,
    enabled: Type.Optional(Editable.enabled),
    priority: Type.Optional(Editable.priority),
    weight: Type.Optional(Editable.weight),
    tps: Type.Optional(Editable.tps),
    windowSize: Type.Optional(Editable.windowSize),
    dailyQuota: Type.Optional(Editable.dailyQuota),
    quotaResetTime: Type.Optional(Editable.quotaResetTime),
    quotaTimezone: Type.Optional(Editable.quotaTimezone),
    remark: Type.Optional(Editable.remark),
  },
  { additionalProperties: false },
);
export type ProviderCreate = Static<typeof ProviderCreate>;

export const ProviderUpdate = Type.Object(
  {
    name: Type.Optional(Editable.name),
    settings: Type.Optional(Editable.settings),
    enabled: Type.Optional(Editable.enabled),
    priority: Type.Optional(Editable.priority),
    weight: Type.Optional(Editable.weight),
    tps: Type.Optional(Editable.tps),
    windowSize: Type.Optional(Editable.windowSize),
    dailyQuota: Type.Optional(Editable.dailyQuota),
    quotaResetTime: Type.Optional(Editable.quotaResetTime),
    quotaTimezone: Type.Optional(Editable.quotaTimezone),
    remark: Type.Optional(Editable.remark),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ProviderUpdate = Static<typeof ProviderUpdate>;

export const ProviderView = Type.Object({
  id: Uuid,
  name: Type.String(),
  channel: ProviderChannelSchema,
  type: ProviderTypeSchema,
  settings: Type.Record(Type.String(), Type.Unknown(), { description: 'Settings without secrets.' }),
  hasPassword: Type.Boolean({ description: 'A password is stored (never returned).' }),
  secretVariableNames: Type.Array(Type.String(), { description: 'Names of stored secret variables.' }),
  enabled: Type.Boolean(),
  priority: Type.Integer(),
  weight: Type.Integer(),
  tps: Nullable(Type.Integer()),
  windowSize: Nullable(Type.Integer()),
  dailyQuota: Nullable(Type.Integer()),
  quotaResetTime: Type.String(),
  quotaTimezone: Type.String(),
  quotaUsed: Type.Integer(),
  quotaResetsAt: Timestamp,
  health: ProviderHealthSchema,
  healthDetail: Type.String(),
  healthCheckedAt: Nullable(Timestamp),
  isFrozen: Type.Boolean(),
  consecutiveFailures: Type.Integer(),
  remark: Type.String(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type ProviderView = Static<typeof ProviderView>;

export const ProviderListQuery = Type.Object({
  ...PageQuery.properties,
  keyword: Type.Optional(Type.String({ maxLength: 100, description: 'Part of the name.' })),
  channel: Type.Optional(ProviderChannelSchema),
  type: Type.Optional(ProviderTypeSchema),
  enabled: Type.Optional(Type.Boolean()),
  isFrozen: Type.Optional(Type.Boolean()),
  health: Type.Optional(ProviderHealthSchema),
});
export type ProviderListQuery = Static<typeof ProviderListQuery>;

export const Country = Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2' });
export const Currency = Type.String({ pattern: '^[A-Za-z]{3}$', description: 'ISO 4217' });

export const ProviderCostInput = Type.Object(
  {
    country: Country,
    currency: Currency,
    cost: Type.Integer({ minimum: 0, description: 'Integer micro-units per message part.' }),
  },
  { additionalProperties: false },
);
export type ProviderCostInput = Static<typeof ProviderCostInput>;

export const ProviderCostUpdate = Type.Object(
  {
    currency: Type.Optional(Currency),
    cost: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ProviderCostUpdate = Static<typeof ProviderCostUpdate>;

export const ProviderCostView = Type.Object({
  id: Uuid,
  providerId: Uuid,
  country: Type.String(),
  currency: Type.String(),
  cost: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type ProviderCostView = Static<typeof ProviderCostView>;

export const CostParams = Type.Object({ id: Uuid, costId: Uuid });

export const UnfreezeBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);

export const StatusLogView = Type.Object({
  id: Uuid,
  providerId: Uuid,
  fromState: Type.String(),
  toState: Type.String(),
  reason: Type.String(),
  actor: Type.String(),
  createdAt: Timestamp,
});
export type StatusLogView = Static<typeof StatusLogView>;

export const TestSendBody = Type.Object(
  {
    to: Type.String({ minLength: 3, maxLength: 320, description: 'Phone number (E.164) or e-mail address.' }),
    from: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
    text: Type.Optional(Type.String({ minLength: 1, maxLength: 5000 })),
    subject: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    body: Type.Optional(Type.String({ minLength: 1, maxLength: 100_000 })),
  },
  { additionalProperties: false },
);
export type TestSendBody = Static<typeof TestSendBody>;

export const TestSendResult = Type.Object({
  ok: Type.Boolean(),
  providerMessageIds: Type.Array(Type.String()),
  parts: Type.Integer(),
  encoding: Nullable(Type.String()),
  kind: Nullable(FailureKind),
  errorCode: Nullable(Type.String()),
  errorMessage: Nullable(Type.String()),
  durationMs: Type.Integer(),
});
export type TestSendResult = Static<typeof TestSendResult>;

export const ProbeView = Type.Object({
  health: ProviderHealthSchema,
  detail: Type.String(),
  latencyMs: Nullable(Type.Number()),
  checkedAt: Timestamp,
});
