// The outbox's search schema and columns (MS-4).
import type { TableColumnType } from 'ant-design-vue';
import type { SearchField } from '@/components/list/search';
import { STATUSES, type Message } from './components/api';

type T = (key: string) => string;

export function outboxSearch(can: { isStaff: () => boolean; seeProviders: () => boolean }): SearchField[] {
  return [
    { type: 'datetime', keys: ['from', 'to'], label: 'messages.fields.createdAt' },
    { type: 'enterprise', key: 'enterpriseId', label: 'messages.fields.enterprise', visible: can.isStaff },
    {
      type: 'account',
      key: 'sendingAccountId',
      label: 'messages.fields.sendingAccount',
      enterpriseKey: 'enterpriseId',
    },
    {
      type: 'select',
      key: 'status',
      label: 'messages.fields.status',
      options: STATUSES,
      optionLabel: 'messages.status',
      testid: 'outbox-status',
    },
    {
      type: 'select',
      key: 'channel',
      label: 'messages.fields.channel',
      options: ['sms', 'email'],
      optionLabel: 'messages.channels',
      width: 110,
    },
    {
      type: 'text',
      key: 'country',
      label: 'messages.fields.country',
      maxlength: 2,
      width: 100,
      pattern: /^[A-Za-z]{2}$/,
      hint: 'messages.outbox.countryHint',
      upper: true,
    },
    { type: 'provider', key: 'providerId', label: 'messages.fields.provider', visible: can.seeProviders },
    {
      type: 'text',
      key: 'number',
      label: 'messages.fields.number',
      placeholder: 'messages.outbox.numberHint',
      testid: 'outbox-number',
    },
    { type: 'text', key: 'clientRef', label: 'messages.fields.clientRef' },
    { type: 'text', key: 'campaignId', label: 'messages.fields.campaignId', width: 220 },
  ];
}

export function outboxColumns(
  t: T,
  can: { isStaff: boolean; seeProviders: boolean },
): TableColumnType<Message>[] {
  return [
    {
      title: t('messages.fields.createdAt'),
      dataIndex: 'createdAt',
      key: 'createdAt',
      width: 170,
      sorter: true,
    },
    { title: t('messages.fields.to'), dataIndex: 'to', key: 'to', width: 170 },
    { title: t('messages.fields.from'), key: 'from', width: 120 },
    { title: t('messages.fields.channel'), key: 'channel', width: 80 },
    { title: t('messages.fields.status'), dataIndex: 'status', key: 'status', width: 130, sorter: true },
    { title: t('messages.fields.text'), dataIndex: 'text', key: 'text', ellipsis: true },
    {
      title: t('messages.fields.segments'),
      dataIndex: 'segments',
      key: 'segments',
      width: 100,
      align: 'right',
    },
    {
      title: t('messages.fields.price'),
      dataIndex: 'price',
      key: 'price',
      width: 120,
      align: 'right',
      sorter: true,
    },
    { title: t('messages.fields.country'), dataIndex: 'country', key: 'country', width: 80 },
    ...(can.isStaff ? [{ title: t('messages.fields.enterprise'), key: 'enterprise', width: 180 }] : []),
    ...(can.seeProviders ? [{ title: t('messages.fields.provider'), key: 'provider', width: 150 }] : []),
  ];
}
