// The users page: search schema, columns, and the form's model and rules.
import type { TableColumnType } from 'ant-design-vue';
import type { SearchField } from '@/components/list/search';
import type { User, UserStatus, UserType } from '../api';

export const USER_STATUSES: readonly UserStatus[] = ['active', 'disabled'];
export const USER_TYPES: readonly UserType[] = ['staff', 'customer'];

export const userSearch: SearchField[] = [
  {
    type: 'text',
    key: 'keyword',
    label: 'identity.user.filters.keyword',
    placeholder: 'identity.user.filters.keywordHint',
    testid: 'user-filter-keyword',
  },
  {
    type: 'select',
    key: 'status',
    label: 'identity.user.fields.status',
    options: USER_STATUSES,
    optionLabel: 'identity.user.statuses',
    width: 140,
  },
  {
    type: 'select',
    key: 'userType',
    label: 'identity.user.fields.userType',
    options: USER_TYPES,
    optionLabel: 'identity.user.types',
    width: 140,
  },
  { type: 'enterprise', key: 'enterpriseId', label: 'identity.user.fields.enterpriseId' },
];

export function userColumns(t: (key: string) => string): TableColumnType<User>[] {
  return [
    { title: t('identity.user.fields.username'), dataIndex: 'username', key: 'username', sorter: true },
    {
      title: t('identity.user.fields.displayName'),
      dataIndex: 'displayName',
      key: 'displayName',
      sorter: true,
    },
    { title: t('identity.user.fields.userType'), key: 'userType' },
    { title: t('identity.user.fields.department'), key: 'department' },
    { title: t('identity.user.fields.roles'), key: 'roles' },
    { title: t('identity.user.fields.status'), key: 'status' },
    {
      title: t('identity.user.fields.lastLoginAt'),
      dataIndex: 'lastLoginAt',
      key: 'lastLoginAt',
      sorter: true,
    },
    { title: t('identity.actions.title'), key: 'actions', fixed: 'right', width: 260 },
  ];
}

export interface UserFormModel {
  username: string;
  displayName: string;
  email: string;
  phone: string;
  password: string;
  userType: UserType;
  enterpriseId: string;
  departmentId: string | undefined;
  roleIds: string[];
  status: UserStatus;
}

export function emptyUserForm(): UserFormModel {
  return {
    username: '',
    displayName: '',
    email: '',
    phone: '',
    password: '',
    userType: 'staff',
    enterpriseId: '',
    departmentId: undefined,
    roleIds: [],
    status: 'active',
  };
}

/** Empty optional text means "not set": the API wants null, not "". */
export function orNull(value: string): string | null {
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

export const USERNAME_PATTERN = /^[A-Za-z0-9_.@-]{3,64}$/;
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
