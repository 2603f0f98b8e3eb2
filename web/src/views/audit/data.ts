// The three audit logs' search schemas and columns; each is cursor-paged, newest first, and
// exports CSV with the filters on screen.
import type { TableColumnType } from 'ant-design-vue';
import type { SearchField } from '@/components/list/search';
import type { CursorPage } from '@/api/types';
import { booleanOf, type Filters } from '@/components/list/search';
import { auditApi, type AuditQuery, type DataChangeEntry, type LoginEntry, type OperationEntry } from './api';

type T = (key: string) => string;

const time: SearchField = { type: 'datetime', keys: ['from', 'to'], label: 'audit.fields.time' };

export const operationSearch: SearchField[] = [
  time,
  { type: 'text', key: 'actor', label: 'audit.fields.actor', placeholder: 'audit.exactMatch' },
  { type: 'text', key: 'action', label: 'audit.fields.action', placeholder: 'audit.exactMatch' },
  {
    type: 'select',
    key: 'result',
    label: 'audit.fields.result',
    options: ['success', 'failure'],
    optionLabel: 'audit.results',
    width: 120,
  },
  { type: 'text', key: 'targetId', label: 'audit.fields.targetId' },
];

export function operationColumns(t: T): TableColumnType<OperationEntry>[] {
  return [
    {
      title: t('audit.fields.createdAt'),
      dataIndex: 'createdAt',
      key: 'createdAt',
      width: 170,
      sorter: true,
    },
    { title: t('audit.fields.actor'), dataIndex: 'actorName', key: 'actor' },
    { title: t('audit.fields.action'), dataIndex: 'action', key: 'action', width: 220, ellipsis: true },
    { title: t('audit.fields.request'), key: 'request', width: 280, ellipsis: true },
    { title: t('audit.fields.targetId'), dataIndex: 'targetId', key: 'targetId', ellipsis: true },
    { title: t('audit.fields.result'), key: 'result', width: 120 },
    { title: t('audit.fields.ip'), dataIndex: 'ip', key: 'ip', width: 130 },
    { title: t('audit.fields.duration'), dataIndex: 'durationMs', key: 'duration', width: 100, sorter: true },
  ];
}

export const dataChangeSearch: SearchField[] = [
  time,
  { type: 'text', key: 'entityType', label: 'audit.fields.entityType', placeholder: 'audit.exactMatch' },
  { type: 'text', key: 'entityId', label: 'audit.fields.entityId' },
  { type: 'text', key: 'actor', label: 'audit.fields.actor', placeholder: 'audit.exactMatch' },
];

export function dataChangeColumns(t: T): TableColumnType<DataChangeEntry>[] {
  return [
    {
      title: t('audit.fields.createdAt'),
      dataIndex: 'createdAt',
      key: 'createdAt',
      width: 170,
      sorter: true,
    },
    { title: t('audit.fields.actor'), dataIndex: 'actorName', key: 'actor' },
    { title: t('audit.fields.entityType'), dataIndex: 'entityType', key: 'entityType', sorter: true },
    { title: t('audit.fields.entityId'), dataIndex: 'entityId', key: 'entityId', ellipsis: true },
    { title: t('audit.fields.changeAction'), dataIndex: 'action', key: 'action' },
    { title: t('audit.fields.changes'), key: 'changes', width: 120 },
  ];
}

export const loginSearch: SearchField[] = [
  time,
  { type: 'text', key: 'username', label: 'audit.fields.username', placeholder: 'audit.exactMatch' },
  {
    type: 'boolean',
    key: 'success',
    label: 'audit.fields.result',
    yes: 'audit.results.success',
    no: 'audit.results.failure',
  },
  { type: 'text', key: 'ip', label: 'audit.fields.ip' },
];

export function loginColumns(t: T): TableColumnType<LoginEntry>[] {
  return [
    {
      title: t('audit.fields.createdAt'),
      dataIndex: 'createdAt',
      key: 'createdAt',
      width: 170,
      sorter: true,
    },
    { title: t('audit.fields.username'), dataIndex: 'username', key: 'username', sorter: true },
    { title: t('audit.fields.result'), key: 'success', width: 110 },
    { title: t('audit.fields.reason'), key: 'reason' },
    { title: t('audit.fields.channel'), dataIndex: 'channel', key: 'channel', width: 100 },
    { title: t('audit.fields.ip'), dataIndex: 'ip', key: 'ip', width: 130 },
    { title: t('audit.fields.userAgent'), dataIndex: 'userAgent', key: 'userAgent', ellipsis: true },
  ];
}

export type AuditLog = 'operations' | 'data-changes' | 'logins';

/** Everything that tells one log's page from another's. */
interface AuditLogSpec {
  search: SearchField[];
  columns: (t: T) => TableColumnType<object>[];
  fetch: (filters: Filters, size: number) => Promise<CursorPage<object>>;
  export: (filters: Filters) => Promise<void>;
  exportPermission: string;
}

const asQuery = (f: Filters) => f as Partial<AuditQuery>;
/** The sign-in log filters on a boolean. */
function loginQuery(f: Filters) {
  const { success, ...rest } = f;
  const ok = booleanOf(success);
  return { ...rest, ...(ok !== undefined ? { success: ok } : {}) };
}
// Exports take the list's query schema, whose `size` is required there and ignored here.
const EXPORT_SIZE = 100;

export const AUDIT_LOGS: Record<AuditLog, AuditLogSpec> = {
  operations: {
    search: operationSearch,
    columns: operationColumns as AuditLogSpec['columns'],
    fetch: (f, size) => auditApi.operations({ ...asQuery(f), size }),
    export: (f) => auditApi.exportOperations({ ...asQuery(f), size: EXPORT_SIZE }),
    exportPermission: 'audit:operation:export',
  },
  'data-changes': {
    search: dataChangeSearch,
    columns: dataChangeColumns as AuditLogSpec['columns'],
    fetch: (f, size) => auditApi.dataChanges({ ...asQuery(f), size }),
    export: (f) => auditApi.exportDataChanges({ ...asQuery(f), size: EXPORT_SIZE }),
    exportPermission: 'audit:data-change:export',
  },
  logins: {
    search: loginSearch,
    columns: loginColumns as AuditLogSpec['columns'],
    fetch: (f, size) => auditApi.logins({ ...loginQuery(f), size }),
    export: (f) => auditApi.exportLogins({ ...loginQuery(f), size: EXPORT_SIZE }),
    exportPermission: 'audit:login:export',
  },
};
