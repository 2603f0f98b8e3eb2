// The built-in roles of SPEC §1 with their permission patterns. Seeded on start-up (and
// brought up to date when this list changes); custom roles are made in the console.
import type { DataScope, UserType } from './identity.tables.js';

export interface BuiltinRole {
  code: string;
  name: string;
  description: string;
  userType: UserType;
  dataScope: DataScope;
  permissions: string[];
}

export const BUILTIN_ROLES: BuiltinRole[] = [
  {
    code: 'platform_admin',
    name: 'Platform admin',
    description: 'Everything, including staff accounts, roles and system settings',
    userType: 'staff',
    dataScope: 'all',
    permissions: ['*'],
  },
  {
    code: 'operator',
    name: 'Operator',
    description: 'Customers, sending accounts, providers, routing, messages, queues and alerts',
    userType: 'staff',
    dataScope: 'all',
    permissions: [
      'customers:*',
      'providers:*',
      'routing:*',
      'messages:*',
      'monitoring:*',
      'campaigns:*',
      'stats:*',
      'identity:api-key:*',
      'identity:user:read',
      'billing:balance:read',
      'billing:ledger:read',
      'audit:operation:read',
    ],
  },
  {
    code: 'reviewer',
    name: 'Reviewer',
    description: 'Content review workbench, template and sender approvals',
    userType: 'staff',
    dataScope: 'all',
    permissions: [
      'review:*',
      'messages:message:read',
      'messages:template:read',
      'messages:template:approve',
      'customers:sender:read',
      'customers:sender:approve',
    ],
  },
  {
    code: 'finance',
    name: 'Finance',
    description: 'Recharges, rate cards, bills and profit reports',
    userType: 'staff',
    dataScope: 'all',
    permissions: ['billing:*', 'customers:enterprise:read', 'stats:*'],
  },
  {
    code: 'customer_admin',
    name: 'Customer admin',
    description:
      "Manages its own enterprise's users, sending accounts, keys, senders, templates and messages",
    userType: 'customer',
    dataScope: 'tenant',
    permissions: [
      'customers:enterprise:read',
      'customers:enterprise:update',
      'customers:sending:*',
      'customers:sender:read',
      'customers:sender:create',
      'customers:sender:delete',
      'customers:domain:*',
      'identity:user:*',
      'identity:api-key:*',
      'messages:*',
      'campaigns:*',
      'stats:*',
      'billing:balance:read',
      'billing:ledger:read',
      'billing:bill:read',
      'billing:quota:read',
      'audit:operation:read',
    ],
  },
  {
    code: 'customer_user',
    name: 'Customer user',
    description: "Sends messages and reads its enterprise's messages and statistics",
    userType: 'customer',
    dataScope: 'tenant',
    permissions: [
      'customers:enterprise:read',
      'customers:sending:read',
      'customers:sender:read',
      'messages:message:*',
      'messages:template:read',
      'messages:inbox:read',
      'stats:*',
      'billing:balance:read',
    ],
  },
];

/** Permissions an API key's scopes grant (ID-6). */
export const API_KEY_SCOPES: Record<string, string[]> = {
  send: ['messages:message:send', 'messages:message:quote'],
  read: ['messages:message:read', 'messages:inbox:read', 'billing:balance:read'],
};

export const API_KEY_SCOPE_NAMES = Object.keys(API_KEY_SCOPES);
