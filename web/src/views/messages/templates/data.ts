// The templates list's search schema and columns (MS-9).
import type { TableColumnType } from 'ant-design-vue';
import type { SearchField } from '@/components/list/search';
import { TEMPLATE_CHANNELS, TEMPLATE_STATUSES, type Template } from './api';

export const templateSearch: SearchField[] = [
  { type: 'text', key: 'keyword', label: 'templates.name' },
  {
    type: 'select',
    key: 'channel',
    label: 'templates.channel',
    options: TEMPLATE_CHANNELS,
    optionLabel: 'templates.channels',
  },
  {
    type: 'select',
    key: 'status',
    label: 'templates.status',
    options: TEMPLATE_STATUSES,
    optionLabel: 'templates.statuses',
  },
  {
    type: 'select',
    key: 'scope',
    label: 'templates.scope',
    options: ['enterprise', 'system'],
    optionLabel: 'templates.scopes',
  },
];

export const TEMPLATE_STATUS_COLORS: Record<Template['status'], string> = {
  draft: 'default',
  pending_review: 'orange',
  approved: 'green',
  rejected: 'red',
};

export function templateColumns(t: (key: string) => string): TableColumnType<Template>[] {
  return [
    { title: t('templates.name'), dataIndex: 'name', key: 'name', sorter: true },
    { title: t('templates.channel'), key: 'channel', width: 100 },
    { title: t('templates.languages'), key: 'languages' },
    { title: t('templates.status'), dataIndex: 'status', key: 'status', width: 120, sorter: true },
    { title: t('templates.updatedAt'), dataIndex: 'updatedAt', key: 'updatedAt', width: 200, sorter: true },
    { title: t('templates.actions'), key: 'actions', width: 260 },
  ];
}
