// The inbox's and the inbox keywords' search schemas and columns (MS-6).
import type { TableColumnType } from 'ant-design-vue';
import type { SearchField } from '@/components/list/search';
import { CLASSIFICATIONS, type Inbound, type InboxKeyword } from './api';

type T = (key: string) => string;

export function inboxSearch(isStaff: () => boolean): SearchField[] {
  return [
    { type: 'datetime', keys: ['from', 'to'], label: 'inbox.receivedAt' },
    { type: 'enterprise', key: 'enterpriseId', label: 'inbox.enterprise', visible: isStaff },
    { type: 'text', key: 'number', label: 'inbox.number', placeholder: 'inbox.numberHint' },
    {
      type: 'select',
      key: 'classification',
      label: 'inbox.classification',
      options: CLASSIFICATIONS,
      optionLabel: 'inbox.classifications',
      width: 140,
    },
  ];
}

export function inboxColumns(t: T, isStaff: boolean): TableColumnType<Inbound>[] {
  return [
    { title: t('inbox.receivedAt'), dataIndex: 'receivedAt', key: 'receivedAt', width: 170, sorter: true },
    { title: t('inbox.from'), dataIndex: 'from', key: 'from', width: 150 },
    { title: t('inbox.to'), dataIndex: 'to', key: 'to', width: 130 },
    { title: t('inbox.text'), dataIndex: 'text', key: 'text', ellipsis: true },
    {
      title: t('inbox.classification'),
      dataIndex: 'classification',
      key: 'classification',
      width: 120,
      sorter: true,
    },
    ...(isStaff ? [{ title: t('inbox.enterprise'), key: 'enterprise', width: 180 }] : []),
    { title: t('inbox.parts'), dataIndex: 'parts', key: 'parts', width: 70 },
  ];
}

export function inboxKeywordSearch(isStaff: () => boolean): SearchField[] {
  return [{ type: 'enterprise', key: 'enterpriseId', label: 'inbox.enterprise', visible: isStaff }];
}

export function inboxKeywordColumns(t: T): TableColumnType<InboxKeyword>[] {
  return [
    { title: t('inbox.keywords.keyword'), dataIndex: 'keyword', key: 'keyword', sorter: true },
    { title: t('inbox.enterprise'), key: 'enterprise' },
    { title: t('inbox.keywords.sendingAccount'), key: 'sendingAccount' },
    { title: t('inbox.keywords.createdAt'), dataIndex: 'createdAt', key: 'createdAt', sorter: true },
    { title: t('inbox.keywords.actions'), key: 'actions', width: 100 },
  ];
}
