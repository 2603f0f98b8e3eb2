// The suppression list's and the opt-out keywords' search schemas and columns (MS-7).
import type { TableColumnType } from 'ant-design-vue';
import type { SearchField } from '@/components/list/search';
import { SOURCES, type OptOutKeyword, type Suppression } from './api';

type T = (key: string) => string;

export function suppressionSearch(isStaff: () => boolean): SearchField[] {
  return [
    { type: 'text', key: 'number', label: 'suppressions.number', testid: 'suppression-filter-number' },
    {
      type: 'select',
      key: 'source',
      label: 'suppressions.source',
      options: SOURCES,
      optionLabel: 'suppressions.sources',
      width: 140,
    },
    { type: 'enterprise', key: 'enterpriseId', label: 'suppressions.enterprise', visible: isStaff },
  ];
}

export function suppressionColumns(t: T, isStaff: boolean): TableColumnType<Suppression>[] {
  return [
    { title: t('suppressions.number'), dataIndex: 'number', key: 'number', width: 170, sorter: true },
    { title: t('suppressions.source'), key: 'source', width: 120 },
    { title: t('suppressions.reason'), dataIndex: 'reason', key: 'reason', ellipsis: true },
    ...(isStaff ? [{ title: t('suppressions.enterprise'), key: 'enterprise', width: 180 }] : []),
    { title: t('suppressions.createdBy'), key: 'createdBy', width: 140 },
    {
      title: t('suppressions.createdAt'),
      dataIndex: 'createdAt',
      key: 'createdAt',
      width: 170,
      sorter: true,
    },
    { title: t('suppressions.actions'), key: 'actions', width: 100 },
  ];
}

export const OPT_OUT_ACTIONS = ['opt_out', 'opt_in'] as const;

export function optOutKeywordColumns(t: T): TableColumnType<OptOutKeyword>[] {
  return [
    { title: t('suppressions.keywords.keyword'), dataIndex: 'keyword', key: 'keyword', sorter: true },
    { title: t('suppressions.keywords.action'), dataIndex: 'action', key: 'action', sorter: true },
    { title: t('suppressions.keywords.language'), dataIndex: 'language', key: 'language', sorter: true },
    { title: t('suppressions.createdAt'), dataIndex: 'createdAt', key: 'createdAt', sorter: true },
    { title: t('suppressions.actions'), key: 'actions', width: 100 },
  ];
}
