// The callback log's search schema and columns (MS-8).
import type { TableColumnType } from 'ant-design-vue';
import type { SearchField } from '@/components/list/search';
import { CALLBACK_EVENTS, CALLBACK_STATUSES, type Callback, type CallbackAttempt } from './api';

type T = (key: string) => string;

export const callbackSearch: SearchField[] = [
  {
    type: 'select',
    key: 'status',
    label: 'callbacks.status',
    options: CALLBACK_STATUSES,
    optionLabel: 'callbacks.statuses',
  },
  {
    type: 'select',
    key: 'event',
    label: 'callbacks.event',
    options: CALLBACK_EVENTS,
    optionKey: (e) => `callbacks.events.${e.replace('.', '_')}`,
  },
  { type: 'account', key: 'sendingAccountId', label: 'callbacks.sendingAccountId' },
  { type: 'text', key: 'referenceId', label: 'callbacks.referenceId', width: 300 },
];

export const CALLBACK_STATUS_COLORS: Record<Callback['status'], string> = {
  pending: 'orange',
  delivered: 'green',
  dead: 'red',
};

export function callbackColumns(t: T): TableColumnType<Callback>[] {
  return [
    { title: t('callbacks.createdAt'), dataIndex: 'createdAt', key: 'createdAt', width: 200, sorter: true },
    { title: t('callbacks.event'), key: 'event', width: 130 },
    { title: t('callbacks.url'), dataIndex: 'url', key: 'url', ellipsis: true },
    { title: t('callbacks.status'), dataIndex: 'status', key: 'status', width: 110, sorter: true },
    { title: t('callbacks.attempts'), dataIndex: 'attempts', key: 'attempts', width: 90, sorter: true },
    { title: t('callbacks.lastResult'), key: 'last', width: 180 },
    { title: t('callbacks.nextAttemptAt'), key: 'next', width: 200 },
    { title: t('callbacks.actions'), key: 'actions', width: 170 },
  ];
}

export function callbackAttemptColumns(t: T): TableColumnType<CallbackAttempt>[] {
  return [
    { title: '#', dataIndex: 'attempt', key: 'attempt', width: 50 },
    { title: t('callbacks.startedAt'), dataIndex: 'startedAt', key: 'startedAt' },
    { title: t('callbacks.outcome'), key: 'outcome' },
    { title: t('callbacks.statusCode'), key: 'statusCode' },
    { title: t('callbacks.latency'), key: 'latency' },
    { title: t('callbacks.error'), key: 'error' },
  ];
}
