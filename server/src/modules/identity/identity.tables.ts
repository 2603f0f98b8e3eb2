// Table types of the identity module (see migrations/20261123_1000_identity.ts).
import type { Flag } from '../../platform/db/schema.js';
import type { DataScope, UserType } from '../../platform/auth/auth-context.js';

// The two enumerations every request's auth context carries are platform types.
export type { DataScope, UserType };
export type UserStatus = 'active' | 'disabled';
export type ApiKeyOwnerType = 'sending_account' | 'service_account';

export interface DepartmentsTable {
  id: string;
  name: string;
  parent_id: string | null;
  sort: number;
  created_at: string;
  updated_at: string;
}

export interface RolesTable {
  id: string;
  code: string;
  name: string;
  description: string;
  user_type: UserType;
  data_scope: DataScope;
  is_builtin: Flag;
  requires_mfa: Flag;
  created_at: string;
  updated_at: string;
}

export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  email: string | null;
  phone: string | null;
  password_hash: string;
  user_type: UserType;
  enterprise_id: string | null;
  department_id: string | null;
  status: UserStatus;
  mfa_secret: string | null;
  mfa_enabled: Flag;
  failed_logins: number;
  locked_until: string | null;
  must_change_password: Flag;
  password_changed_at: string;
  last_login_at: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  id: string;
  family_id: string;
  user_id: string;
  token_hash: string;
  ip: string;
  user_agent: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  revoked_at: string | null;
  revoked_reason: string | null;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  prefix: string;
  key_hash: string;
  owner_type: ApiKeyOwnerType;
  owner_id: string;
  enterprise_id: string;
  /** JSON array of scope strings. */
  scopes: string;
  /** JSON array of IPs / CIDRs; empty = any. */
  ip_allowlist: string;
  rate_limit: number | null;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  created_by: string | null;
  created_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    departments: DepartmentsTable;
    roles: RolesTable;
    role_permissions: { role_id: string; permission: string };
    users: UsersTable;
    user_roles: { user_id: string; role_id: string };
    sessions: SessionsTable;
    mfa_recovery_codes: { id: string; user_id: string; code_hash: string; used_at: string | null };
    password_reset_tokens: {
      id: string;
      user_id: string;
      token_hash: string;
      expires_at: string;
      used_at: string | null;
      created_at: string;
    };
    api_keys: ApiKeysTable;
  }
}
