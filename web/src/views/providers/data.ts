// The provider form's model and how it maps to and from the API: common fields, then the
// connection settings of the chosen type. Settings the form does not show are kept as they
// are; passwords and secret variables are write-only (empty means "keep the stored one").
import type { TableColumnType } from 'ant-design-vue';
import type { SearchField } from '@/components/list/search';
import type { CreateProviderBody, Provider, ProviderChannel, ProviderHealth, ProviderType } from './api';

export const CHANNELS: readonly ProviderChannel[] = ['sms', 'email', 'webhook'];
export const TYPES: readonly ProviderType[] = ['smpp', 'smtp', 'http'];
export const HEALTHS: readonly ProviderHealth[] = ['unknown', 'healthy', 'unhealthy'];
export const CHANNELS_OF_TYPE: Record<ProviderType, readonly ProviderChannel[]> = {
  smpp: ['sms'],
  smtp: ['email'],
  http: ['sms', 'email', 'webhook'],
};
export const BIND_MODES = ['transceiver', 'transmitter', 'receiver', 'transmitter+receiver'] as const;
/** How often the list refreshes health and freeze state. */
export const POLL_INTERVAL_MS = 10_000;

export const providerSearch: SearchField[] = [
  { type: 'text', key: 'keyword', label: 'providers.fields.name', testid: 'providers-filter-keyword' },
  {
    type: 'select',
    key: 'channel',
    label: 'providers.fields.channel',
    options: CHANNELS,
    optionLabel: 'providers.channels',
    width: 120,
  },
  {
    type: 'select',
    key: 'type',
    label: 'providers.fields.type',
    options: TYPES,
    optionLabel: 'providers.types',
    width: 110,
  },
  {
    type: 'select',
    key: 'health',
    label: 'providers.fields.health',
    options: HEALTHS,
    optionLabel: 'providers.health',
    width: 120,
  },
  {
    type: 'boolean',
    key: 'isFrozen',
    label: 'providers.fields.frozen',
    yes: 'providers.yes',
    no: 'providers.no',
    width: 110,
  },
];

export function providerColumns(t: (key: string) => string): TableColumnType<Provider>[] {
  return [
    { title: t('providers.fields.name'), dataIndex: 'name', key: 'name', sorter: true },
    { title: t('providers.fields.channel'), key: 'channel', width: 100 },
    { title: t('providers.fields.type'), key: 'type', width: 90 },
    { title: t('providers.fields.state'), key: 'state', width: 200 },
    { title: t('providers.fields.tps'), dataIndex: 'tps', key: 'tps', width: 80, sorter: true },
    { title: t('providers.fields.quota'), key: 'quota', width: 140 },
    {
      title: t('providers.fields.healthCheckedAt'),
      dataIndex: 'healthCheckedAt',
      key: 'healthCheckedAt',
      width: 160,
      sorter: true,
    },
    { title: t('providers.actions.title'), key: 'actions', fixed: 'right', width: 380 },
  ];
}

export interface ProviderForm {
  name: string;
  channel: ProviderChannel;
  type: ProviderType;
  enabled: boolean;
  priority: number;
  weight: number;
  tps: number | null;
  windowSize: number | null;
  dailyQuota: number | null;
  quotaResetTime: string;
  quotaTimezone: string;
  remark: string;
  // smpp + smtp
  host: string;
  port: number | null;
  password: string;
  // smpp
  systemId: string;
  systemType: string;
  bindMode: (typeof BIND_MODES)[number];
  sourceTon: number | null;
  sourceNpi: number | null;
  destTon: number | null;
  destNpi: number | null;
  enquireLinkIntervalMs: number | null;
  defaultFrom: string;
  // smtp
  secure: boolean;
  ignoreTls: boolean;
  user: string;
  from: string;
  // http: the settings as JSON, and secret variables as JSON (write-only)
  httpSettings: string;
  secretVariables: string;
}

export const HTTP_EXAMPLE = JSON.stringify(
  {
    request: {
      method: 'POST',
      url: 'https://api.example.com/sms',
      headers: { Authorization: 'Bearer {{apiKey}}' },
      json: { to: '{{to}}', from: '{{from}}', text: '{{text}}' },
    },
    providerIdPath: 'id',
    health: { url: 'https://api.example.com/health' },
  },
  null,
  2,
);

export function emptyForm(): ProviderForm {
  return {
    name: '',
    channel: 'sms',
    type: 'smpp',
    enabled: false,
    priority: 0,
    weight: 1,
    tps: null,
    windowSize: null,
    dailyQuota: null,
    quotaResetTime: '00:00',
    quotaTimezone: 'UTC',
    remark: '',
    host: '',
    port: null,
    password: '',
    systemId: '',
    systemType: '',
    bindMode: 'transceiver',
    sourceTon: null,
    sourceNpi: null,
    destTon: null,
    destNpi: null,
    enquireLinkIntervalMs: null,
    defaultFrom: '',
    secure: false,
    ignoreTls: false,
    user: '',
    from: '',
    httpSettings: HTTP_EXAMPLE,
    secretVariables: '',
  };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/** The form of an existing provider (secrets stay empty). */
export function formOf(p: Provider): ProviderForm {
  const s = p.settings;
  const form: ProviderForm = {
    ...emptyForm(),
    name: p.name,
    channel: p.channel,
    type: p.type,
    enabled: p.enabled,
    priority: p.priority,
    weight: p.weight,
    tps: p.tps,
    windowSize: p.windowSize,
    dailyQuota: p.dailyQuota,
    quotaResetTime: p.quotaResetTime,
    quotaTimezone: p.quotaTimezone,
    remark: p.remark,
    host: str(s.host),
    port: num(s.port),
    systemId: str(s.systemId),
    systemType: str(s.systemType),
    bindMode: BIND_MODES.find((m) => m === s.bindMode) ?? 'transceiver',
    sourceTon: num(s.sourceTon),
    sourceNpi: num(s.sourceNpi),
    destTon: num(s.destTon),
    destNpi: num(s.destNpi),
    enquireLinkIntervalMs: num(s.enquireLinkIntervalMs),
    defaultFrom: str(s.defaultFrom),
    secure: s.secure === true,
    ignoreTls: s.ignoreTls === true,
    user: str(s.user),
    from: str(s.from),
    httpSettings: p.type === 'http' ? JSON.stringify(s, null, 2) : HTTP_EXAMPLE,
  };
  return form;
}

/** Thrown by `settingsOf` when a JSON field does not parse; `field` names it. */
export class JsonFieldError extends Error {
  constructor(readonly field: 'httpSettings' | 'secretVariables') {
    super(field);
  }
}

function parseObject(text: string, field: 'httpSettings' | 'secretVariables'): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      return v as Record<string, unknown>;
    }
  } catch {
    // reported below
  }
  throw new JsonFieldError(field);
}

function setOrDrop(out: Record<string, unknown>, key: string, value: unknown): void {
  if (value === null || value === '' || value === undefined) {
    delete out[key];
  } else {
    out[key] = value;
  }
}

/**
 * The settings to send: the stored (non-secret) settings overlaid with the form's fields.
 * An empty password is left out, which keeps the stored one.
 */
export function settingsOf(
  form: ProviderForm,
  stored: Record<string, unknown> = {},
): Record<string, unknown> {
  if (form.type === 'http') {
    const out = parseObject(form.httpSettings, 'httpSettings');
    if (form.secretVariables.trim() !== '') {
      out.secretVariables = parseObject(form.secretVariables, 'secretVariables');
    }
    return out;
  }
  const out: Record<string, unknown> = { ...stored };
  setOrDrop(out, 'host', form.host.trim());
  setOrDrop(out, 'port', form.port);
  setOrDrop(out, 'password', form.password);
  if (form.type === 'smpp') {
    setOrDrop(out, 'systemId', form.systemId.trim());
    setOrDrop(out, 'systemType', form.systemType.trim());
    setOrDrop(out, 'bindMode', form.bindMode);
    setOrDrop(out, 'sourceTon', form.sourceTon);
    setOrDrop(out, 'sourceNpi', form.sourceNpi);
    setOrDrop(out, 'destTon', form.destTon);
    setOrDrop(out, 'destNpi', form.destNpi);
    setOrDrop(out, 'enquireLinkIntervalMs', form.enquireLinkIntervalMs);
    setOrDrop(out, 'defaultFrom', form.defaultFrom.trim());
  } else {
    out.secure = form.secure;
    out.ignoreTls = form.ignoreTls;
    setOrDrop(out, 'user', form.user.trim());
    setOrDrop(out, 'from', form.from.trim());
  }
  return out;
}

/** The create body of a form. */
export function createBodyOf(form: ProviderForm): CreateProviderBody {
  return {
    name: form.name.trim(),
    channel: form.channel,
    type: form.type,
    settings: settingsOf(form),
    enabled: form.enabled,
    priority: form.priority,
    weight: form.weight,
    tps: form.tps,
    windowSize: form.windowSize,
    dailyQuota: form.dailyQuota,
    quotaResetTime: form.quotaResetTime,
    quotaTimezone: form.quotaTimezone.trim(),
    remark: form.remark,
  };
}

/** Micro-units to a decimal amount for display (1 unit = 1 000 000 micro-units). */
export function fromMicro(micro: number): number {
  return micro / 1_000_000;
}

/** A decimal amount typed by a person to integer micro-units. */
export function toMicro(amount: number): number {
  return Math.round(amount * 1_000_000);
}
