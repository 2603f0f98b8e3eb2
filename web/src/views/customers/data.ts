// The customers pages' search schemas and columns: enterprises, sending accounts, senders and
// sender domains.
import type { TableColumnType } from 'ant-design-vue';
import type { SearchField } from '@/components/list/search';
import {
  ENTERPRISE_STATUSES,
  SENDER_CHANNELS,
  SENDER_STATUSES,
  TRUST_LEVELS,
  type ApiKey,
  type Enterprise,
  type Sender,
  type SenderDomain,
  type SendingAccount,
} from './api';

type T = (key: string) => string;

export const enterpriseSearch: SearchField[] = [
  {
    type: 'text',
    key: 'keyword',
    label: 'customers.actions.search',
    placeholder: 'customers.enterprise.keywordHint',
    testid: 'enterprise-filter-keyword',
  },
  {
    type: 'select',
    key: 'status',
    label: 'customers.enterprise.fields.status',
    options: ENTERPRISE_STATUSES,
    optionLabel: 'customers.statuses',
  },
  {
    type: 'select',
    key: 'trustLevel',
    label: 'customers.enterprise.fields.trustLevel',
    options: TRUST_LEVELS,
    optionLabel: 'customers.trustLevels',
  },
];

export function enterpriseColumns(t: T): TableColumnType<Enterprise>[] {
  return [
    { title: t('customers.enterprise.fields.name'), dataIndex: 'name', key: 'name', sorter: true },
    { title: t('customers.enterprise.fields.contactName'), dataIndex: 'contactName', key: 'contactName' },
    { title: t('customers.enterprise.fields.contactPhone'), dataIndex: 'contactPhone', key: 'contactPhone' },
    { title: t('customers.enterprise.fields.contactEmail'), dataIndex: 'contactEmail', key: 'contactEmail' },
    { title: t('customers.enterprise.fields.currency'), dataIndex: 'currency', key: 'currency' },
    { title: t('customers.enterprise.fields.trustLevel'), key: 'trustLevel' },
    { title: t('customers.enterprise.fields.status'), key: 'status' },
    {
      title: t('customers.enterprise.fields.createdAt'),
      dataIndex: 'createdAt',
      key: 'createdAt',
      sorter: true,
    },
    { title: t('customers.actions.title'), key: 'actions', fixed: 'right', width: 240 },
  ];
}

export function sendingSearch(isStaff: () => boolean): SearchField[] {
  return [
    {
      type: 'text',
      key: 'keyword',
      label: 'customers.actions.search',
      placeholder: 'customers.sending.keywordHint',
    },
    {
      type: 'enterprise',
      key: 'enterpriseId',
      label: 'customers.sending.fields.enterprise',
      visible: isStaff,
    },
    {
      type: 'select',
      key: 'status',
      label: 'customers.sending.fields.status',
      options: ENTERPRISE_STATUSES,
      optionLabel: 'customers.statuses',
    },
  ];
}

export function sendingColumns(t: T): TableColumnType<SendingAccount>[] {
  return [
    { title: t('customers.sending.fields.name'), dataIndex: 'name', key: 'name', sorter: true },
    { title: t('customers.sending.fields.enterprise'), key: 'enterprise' },
    { title: t('customers.sending.fields.status'), key: 'status' },
    { title: t('customers.sending.fields.allowedChannels'), key: 'channels' },
    {
      title: t('customers.sending.fields.dailyLimit'),
      dataIndex: 'dailyLimit',
      key: 'dailyLimit',
      sorter: true,
    },
    { title: t('customers.sending.fields.tpsLimit'), key: 'tps' },
    { title: t('customers.sending.fields.smppSystemId'), key: 'smpp' },
    { title: t('customers.actions.title'), key: 'actions', fixed: 'right', width: 220 },
  ];
}

export function senderSearch(isStaff: () => boolean): SearchField[] {
  return [
    { type: 'text', key: 'keyword', label: 'customers.sender.value' },
    {
      type: 'select',
      key: 'channel',
      label: 'customers.sender.channel',
      options: SENDER_CHANNELS,
      optionLabel: 'customers.channels',
      width: 140,
    },
    {
      type: 'select',
      key: 'status',
      label: 'customers.sender.status',
      options: SENDER_STATUSES,
      optionLabel: 'customers.sender.statuses',
      width: 140,
    },
    { type: 'enterprise', key: 'enterpriseId', label: 'customers.sender.enterprise', visible: isStaff },
  ];
}

export function senderColumns(t: T): TableColumnType<Sender>[] {
  return [
    { title: t('customers.sender.value'), dataIndex: 'value', key: 'value', sorter: true },
    { title: t('customers.sender.channel'), key: 'channel' },
    { title: t('customers.sender.kind'), key: 'kind' },
    { title: t('customers.sender.enterprise'), key: 'enterprise' },
    { title: t('customers.sender.status'), key: 'status' },
    { title: t('customers.sender.reviewedBy'), key: 'reviewedBy' },
    { title: t('customers.actions.title'), key: 'actions', width: 200 },
  ];
}

export function domainSearch(isStaff: () => boolean): SearchField[] {
  return [
    { type: 'text', key: 'keyword', label: 'customers.domain.domain' },
    { type: 'enterprise', key: 'enterpriseId', label: 'customers.domain.enterprise', visible: isStaff },
  ];
}

export function domainColumns(t: T): TableColumnType<SenderDomain>[] {
  return [
    { title: t('customers.domain.domain'), dataIndex: 'domain', key: 'domain', sorter: true },
    { title: t('customers.domain.enterprise'), key: 'enterprise' },
    { title: t('customers.domain.verified'), key: 'verified' },
    { title: t('customers.domain.createdAt'), dataIndex: 'createdAt', key: 'createdAt', sorter: true },
    { title: t('customers.actions.title'), key: 'actions', width: 120 },
  ];
}

export const SENDER_STATUS_COLORS: Record<Sender['status'], string> = {
  approved: 'green',
  pending: 'orange',
  rejected: 'red',
};

export function keyColumns(t: T): TableColumnType<ApiKey>[] {
  return [
    { title: t('customers.keys.name'), dataIndex: 'name', key: 'name', sorter: true },
    { title: t('customers.keys.prefix'), key: 'prefix' },
    { title: t('customers.keys.scopes'), key: 'scopes' },
    { title: t('customers.keys.status'), key: 'status' },
    { title: t('customers.keys.lastUsedAt'), dataIndex: 'lastUsedAt', key: 'lastUsedAt', sorter: true },
    { title: t('customers.keys.createdAt'), dataIndex: 'createdAt', key: 'createdAt', sorter: true },
    { title: t('customers.actions.title'), key: 'actions', width: 120 },
  ];
}
