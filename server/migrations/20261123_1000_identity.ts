// Identity and audit: users, departments, roles and permissions, sessions (refresh-token
// families), MFA recovery codes, password reset tokens, API keys, login/operation/data-change logs.
import type { Kysely } from 'kysely';
import { enumCheck, id, timestamp } from '../src/platform/db/dialects.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('departments')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('parent_id', id, (c) => c.references('departments.id').onDelete('restrict'))
    .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('roles')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('user_type', 'text', (c) => c.notNull().check(enumCheck('user_type', ['staff', 'customer'])))
    .addColumn('data_scope', 'text', (c) =>
      c.notNull().check(enumCheck('data_scope', ['all', 'department', 'own', 'tenant'])),
    )
    .addColumn('is_builtin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('requires_mfa', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('role_permissions')
    .addColumn('role_id', id, (c) => c.notNull().references('roles.id').onDelete('cascade'))
    .addColumn('permission', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('role_permissions_pk', ['role_id', 'permission'])
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('user_type', 'text', (c) => c.notNull().check(enumCheck('user_type', ['staff', 'customer'])))
    .addColumn('enterprise_id', id)
    .addColumn('department_id', id, (c) => c.references('departments.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull().check(enumCheck('status', ['active', 'disabled'])))
    .addColumn('mfa_secret', 'text')
    .addColumn('mfa_enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', timestamp)
    .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('password_changed_at', timestamp, (c) => c.notNull())
    .addColumn('last_login_at', timestamp)
    .addColumn('created_by', id)
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('users_enterprise_idx').on('users').column('enterprise_id').execute();

  await db.schema
    .createTable('user_roles')
    .addColumn('user_id', id, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role_id', id, (c) => c.notNull().references('roles.id').onDelete('restrict'))
    .addPrimaryKeyConstraint('user_roles_pk', ['user_id', 'role_id'])
    .execute();

  // One row per refresh token; tokens of one login share a family. Reusing a token whose
  // `used_at` is set revokes the family (ID-2).
  await db.schema
    .createTable('sessions')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('family_id', id, (c) => c.notNull())
    .addColumn('user_id', id, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('ip', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('user_agent', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('expires_at', timestamp, (c) => c.notNull())
    .addColumn('used_at', timestamp)
    .addColumn('revoked_at', timestamp)
    .addColumn('revoked_reason', 'text')
    .execute();
  await db.schema.createIndex('sessions_family_idx').on('sessions').column('family_id').execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('mfa_recovery_codes')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('user_id', id, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('used_at', timestamp)
    .execute();
  await db.schema.createIndex('mfa_recovery_user_idx').on('mfa_recovery_codes').column('user_id').execute();

  await db.schema
    .createTable('password_reset_tokens')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('user_id', id, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('expires_at', timestamp, (c) => c.notNull())
    .addColumn('used_at', timestamp)
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull().unique())
    .addColumn('key_hash', 'text', (c) => c.notNull())
    .addColumn('owner_type', 'text', (c) =>
      c.notNull().check(enumCheck('owner_type', ['sending_account', 'service_account'])),
    )
    .addColumn('owner_id', id, (c) => c.notNull())
    .addColumn('enterprise_id', id, (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('ip_allowlist', 'text', (c) => c.notNull())
    .addColumn('rate_limit', 'integer')
    .addColumn('expires_at', timestamp)
    .addColumn('last_used_at', timestamp)
    .addColumn('revoked_at', timestamp)
    .addColumn('created_by', id)
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('api_keys_owner_idx')
    .on('api_keys')
    .columns(['owner_type', 'owner_id'])
    .execute();
  await db.schema.createIndex('api_keys_enterprise_idx').on('api_keys').column('enterprise_id').execute();

  await db.schema
    .createTable('login_logs')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('user_id', id)
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('enterprise_id', id)
    .addColumn('channel', 'text', (c) => c.notNull().check(enumCheck('channel', ['console', 'smpp', 'api'])))
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'text', (c) => c.notNull())
    .addColumn('success', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('login_logs_created_idx')
    .on('login_logs')
    .columns(['created_at', 'id'])
    .execute();

  await db.schema
    .createTable('operation_logs')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) =>
      c.notNull().check(enumCheck('actor_type', ['user', 'api_key', 'anonymous', 'system'])),
    )
    .addColumn('actor_id', id)
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('enterprise_id', id)
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text')
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull().check(enumCheck('result', ['success', 'failure'])))
    .addColumn('error_code', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('operation_logs_created_idx')
    .on('operation_logs')
    .columns(['created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('operation_logs_enterprise_idx')
    .on('operation_logs')
    .column('enterprise_id')
    .execute();

  await db.schema
    .createTable('data_change_logs')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('request_id', 'text')
    .addColumn('actor_id', id)
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('enterprise_id', id)
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) =>
      c.notNull().check(enumCheck('action', ['create', 'update', 'delete'])),
    )
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('data_change_logs_created_idx')
    .on('data_change_logs')
    .columns(['created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('data_change_logs_entity_idx')
    .on('data_change_logs')
    .columns(['entity_type', 'entity_id'])
    .execute();
}
