// The users page's filters and the form's rules. Columns are declared in list.vue's
// template, where their cells render.
import type { UserStatus, UserType } from '../api';

export const USER_STATUSES: readonly UserStatus[] = ['active', 'disabled'];
export const USER_TYPES: readonly UserType[] = ['staff', 'customer'];

export interface UserFilters {
  keyword: string;
  status: UserStatus | undefined;
  userType: UserType | undefined;
  enterpriseId: string;
}

export function emptyFilters(): UserFilters {
  return { keyword: '', status: undefined, userType: undefined, enterpriseId: '' };
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
