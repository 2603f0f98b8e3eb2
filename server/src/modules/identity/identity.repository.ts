// Kysely queries of the identity module, nothing else.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import type { DataScope, RolesTable, UsersTable } from './identity.tables.js';
import './identity.tables.js';

type Q = Kysely<Database> | Transaction<Database>;

export interface RoleWithPermissions extends RolesTable {
  permissions: string[];
}

export const identityRepository = {
  userByUsername(db: Q, username: string): Promise<UsersTable | undefined> {
    return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  },

  userById(db: Q, id: string): Promise<UsersTable | undefined> {
    return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async rolesOfUser(db: Q, userId: string): Promise<RoleWithPermissions[]> {
    const roles = await db
      .selectFrom('roles')
      .innerJoin('user_roles', 'user_roles.role_id', 'roles.id')
      .selectAll('roles')
      .where('user_roles.user_id', '=', userId)
      .execute();
    return this.withPermissions(db, roles);
  },

  async rolesOfUsers(
    db: Q,
    userIds: string[],
  ): Promise<Map<string, Array<{ id: string; code: string; name: string }>>> {
    const out = new Map<string, Array<{ id: string; code: string; name: string }>>();
    if (userIds.length === 0) {
      return out;
    }
    const rows = await db
      .selectFrom('user_roles')
      .innerJoin('roles', 'roles.id', 'user_roles.role_id')
      .select(['user_roles.user_id', 'roles.id', 'roles.code', 'roles.name'])
      .where('user_roles.user_id', 'in', userIds)
      .execute();
    for (const r of rows) {
      const list = out.get(r.user_id) ?? [];
      list.push({ id: r.id, code: r.code, name: r.name });
      out.set(r.user_id, list);
    }
    return out;
  },

  async withPermissions(db: Q, roles: RolesTable[]): Promise<RoleWithPermissions[]> {
    if (roles.length === 0) {
      return [];
    }
    const perms = await db
      .selectFrom('role_permissions')
      .select(['role_id', 'permission'])
      .where(
        'role_id',
        'in',
        roles.map((r) => r.id),
      )
      .execute();
    return roles.map((r) => ({
      ...r,
      permissions: perms
        .filter((p) => p.role_id === r.id)
        .map((p) => p.permission)
        .sort(),
    }));
  },

  async departmentDescendants(db: Q, departmentId: string): Promise<string[]> {
    const all = await db.selectFrom('departments').select(['id', 'parent_id']).execute();
    const out = [departmentId];
    for (let i = 0; i < out.length; i++) {
      for (const d of all) {
        if (d.parent_id === out[i] && !out.includes(d.id)) {
          out.push(d.id);
        }
      }
    }
    return out;
  },
};

const SCOPE_ORDER: DataScope[] = ['own', 'department', 'tenant', 'all'];

/** The widest data scope among a user's roles. */
export function widestScope(scopes: DataScope[]): DataScope {
  let best = 0;
  for (const s of scopes) {
    best = Math.max(best, SCOPE_ORDER.indexOf(s));
  }
  return SCOPE_ORDER[best] ?? 'own';
}
