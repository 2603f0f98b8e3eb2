// The billing pages' search schemas and columns: balances, the ledger, quotas and bills.
import type { TableColumnType } from 'ant-design-vue';
import type { SearchField } from '@/components/list/search';
import {
  CHANNELS,
  ENTRY_TYPES,
  type Balance,
  type BillSummary,
  type LedgerEntry,
  type Plan,
  type Quota,
  type QuotaLog,
} from './api';

type T = (key: string) => string;

export function balanceColumns(t: T): TableColumnType<Balance>[] {
  return [
    {
      title: t('billing.balances.fields.enterprise'),
      dataIndex: 'enterpriseName',
      key: 'enterpriseName',
      sorter: true,
    },
    { title: t('billing.balances.fields.currency'), dataIndex: 'currency', key: 'currency', width: 90 },
    {
      title: t('billing.balances.fields.balance'),
      dataIndex: 'balance',
      key: 'balance',
      align: 'right',
      sorter: true,
    },
    {
      title: t('billing.balances.fields.creditLimit'),
      dataIndex: 'creditLimit',
      key: 'creditLimit',
      align: 'right',
    },
    {
      title: t('billing.balances.fields.available'),
      dataIndex: 'available',
      key: 'available',
      align: 'right',
      sorter: true,
    },
    { title: t('billing.balances.fields.lowBalanceThreshold'), key: 'lowBalanceThreshold', align: 'right' },
    { title: t('billing.balances.fields.updatedAt'), dataIndex: 'updatedAt', key: 'updatedAt', sorter: true },
    { title: t('billing.actions.title'), key: 'actions', fixed: 'right', width: 220 },
  ];
}

export function ledgerSearch(isStaff: () => boolean): SearchField[] {
  return [
    {
      type: 'enterprise',
      key: 'enterpriseId',
      label: 'billing.ledger.fields.enterpriseId',
      visible: isStaff,
    },
    {
      type: 'select',
      key: 'entryType',
      label: 'billing.ledger.fields.entryType',
      options: ENTRY_TYPES,
      optionLabel: 'billing.entryTypes',
      width: 140,
    },
    { type: 'text', key: 'objectId', label: 'billing.ledger.fields.objectId' },
    { type: 'date', keys: ['from', 'to'], label: 'billing.ledger.fields.range' },
  ];
}

export function ledgerColumns(t: T): TableColumnType<LedgerEntry>[] {
  return [
    {
      title: t('billing.ledger.fields.createdAt'),
      dataIndex: 'createdAt',
      key: 'createdAt',
      width: 170,
      sorter: true,
    },
    { title: t('billing.ledger.fields.entryType'), key: 'entryType' },
    {
      title: t('billing.ledger.fields.amount'),
      dataIndex: 'amount',
      key: 'amount',
      align: 'right',
      sorter: true,
    },
    { title: t('billing.ledger.fields.balanceAfter'), key: 'balanceAfter', align: 'right' },
    { title: t('billing.ledger.fields.object'), key: 'object' },
    { title: t('billing.ledger.fields.channel'), key: 'channel' },
    { title: t('billing.ledger.fields.note'), key: 'note' },
  ];
}

export function quotaSearch(isStaff: () => boolean): SearchField[] {
  return [
    {
      type: 'enterprise',
      key: 'enterpriseId',
      label: 'billing.ledger.fields.enterpriseId',
      visible: isStaff,
    },
    {
      type: 'account',
      key: 'sendingAccountId',
      label: 'billing.quotas.fields.sendingAccountId',
      enterpriseKey: 'enterpriseId',
    },
    { type: 'select', key: 'channel', label: 'billing.quotas.fields.channel', options: CHANNELS, width: 120 },
  ];
}

export function quotaColumns(t: T): TableColumnType<Quota>[] {
  return [
    { title: t('billing.quotas.fields.sendingAccountId'), key: 'sendingAccount' },
    { title: t('billing.quotas.fields.channel'), dataIndex: 'channel', key: 'channel', sorter: true },
    { title: t('billing.quotas.fields.period'), key: 'period' },
    { title: t('billing.quotas.fields.usage'), dataIndex: 'used', key: 'usage', sorter: true },
    { title: t('billing.actions.title'), key: 'actions', fixed: 'right', width: 220 },
  ];
}

export function quotaLogColumns(t: T): TableColumnType<QuotaLog>[] {
  return [
    { title: t('billing.quotas.fields.time'), key: 'createdAt' },
    { title: t('billing.quotas.fields.action'), key: 'action' },
    { title: t('billing.quotas.fields.change'), dataIndex: 'change', key: 'change' },
    { title: t('billing.quotas.fields.usedAfter'), dataIndex: 'usedAfter', key: 'usedAfter' },
  ];
}

export function billSearch(isStaff: () => boolean): SearchField[] {
  return [
    { type: 'enterprise', key: 'enterpriseId', label: 'billing.bills.fields.enterpriseId', visible: isStaff },
  ];
}

export function billColumns(t: T): TableColumnType<BillSummary>[] {
  return [
    { title: t('billing.bills.fields.period'), dataIndex: 'periodFrom', key: 'period', sorter: true },
    { title: t('billing.bills.fields.enterpriseId'), key: 'enterprise' },
    { title: t('billing.bills.fields.charges'), key: 'charges', align: 'right' },
    { title: t('billing.bills.fields.refunds'), key: 'refunds', align: 'right' },
    {
      title: t('billing.bills.fields.total'),
      dataIndex: 'total',
      key: 'total',
      align: 'right',
      sorter: true,
    },
    { title: t('billing.bills.fields.createdAt'), dataIndex: 'createdAt', key: 'createdAt', sorter: true },
    { title: t('billing.actions.title'), key: 'actions', fixed: 'right', width: 220 },
  ];
}

export function planColumns(t: T): TableColumnType<Plan>[] {
  return [
    { title: t('billing.plans.fields.name'), dataIndex: 'name', key: 'name', sorter: true },
    { title: t('billing.plans.fields.currency'), dataIndex: 'currency', key: 'currency', sorter: true },
    { title: t('billing.plans.fields.description'), dataIndex: 'description', key: 'description' },
    { title: t('billing.plans.fields.refundOnFailure'), key: 'refundOnFailure' },
    { title: t('billing.actions.title'), key: 'actions', fixed: 'right', width: 280 },
  ];
}
