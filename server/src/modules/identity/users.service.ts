// Users, roles and departments (ID-1, ID-3). Customer admins manage only their own
// enterprise's users; staff manage everyone within their data scope.
import type { Kysely, Transaction } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database } from '../../platform/db/schema.js';
import { flag } from '../../platform/db/schema.js';
import type { AuditLog } from '../../platform/audit/audit.js';
import {
  assertTenant,
  isCustomer,
  tenantFilter,
  tenantForWrite,
  type AuthContext,
} from '../../platform/auth/auth-context.js';
import { isPermissionPattern, type PermissionRegistry } from '../../platform/auth/permissions.js';
import { errors } from '../../platform/http/errors.js';
import { fetchPage } from '../../platform/http/pagination.js';
import type { Pagination } from '../../platform/http/envelope.js';
import { likeEscaped } from '../../platform/db/dialects.js';
import { newId } from '../../platform/ids.js';
import { BUILTIN_ROLES } from './builtin-roles.js';
import { identityRepository as repo, type RoleWithPermissions } from './identity.repository.js';
import type { DataScope, DepartmentsTable, UserStatus, UserType, UsersTable } from './identity.tables.js';
import { generatePassword, hashPassword, passwordPolicyViolation } from './passwords.js';
import type { AuthService } from './auth.service.js';
import { UserErrors, UserReasons } from './identity.errors.js';

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  phone: string | null;
  userType: UserType;
  enterpriseId: string | null;
  departmentId: string | null;
  status: UserStatus;
  mfaEnabled: boolean;
  locked: boolean;
  lastLoginAt: string | null;
  roles: Array<{ id: string; code: string; name: string }>;
  createdAt: string;
  updatedAt: string;
}

export interface RoleView {
  id: string;
  code: string;
  name: string;
  description: string;
  userType: UserType;
  dataScope: DataScope;
  isBuiltin: boolean;
  requiresMfa: boolean;
  permissions: string[];
  createdAt: string;
  updatedAt: string;
}

export interface DepartmentView {
  id: string;
  name: string;
  parentId: string | null;
  sort: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * Answers whether an enterprise exists. A port of identity, answered by the customers module
 * (which itself needs identity's API keys, so app.ts builds its look-ups first).
 */
export type EnterpriseLookup = (enterpriseId: string) => Promise<boolean>;

type Q = Kysely<Database> | Transaction<Database>;

export class UserService {
  constructor(
    private readonly ctx: AppContext,
    private readonly audit: AuditLog,
    private readonly auth: AuthService,
    private readonly permissions: PermissionRegistry,
    private readonly enterpriseExists: EnterpriseLookup,
  ) {}

  private view(u: UsersTable, roles: Array<{ id: string; code: string; name: string }>): UserView {
    return {
      id: u.id,
      username: u.username,
      displayName: u.display_name,
      email: u.email,
      phone: u.phone,
      userType: u.user_type,
      enterpriseId: u.enterprise_id,
      departmentId: u.department_id,
      status: u.status,
      mfaEnabled: u.mfa_enabled === 1,
      locked: u.locked_until !== null && Date.parse(u.locked_until) > this.ctx.clock.now(),
      lastLoginAt: u.last_login_at,
      roles,
      createdAt: u.created_at,
      updatedAt: u.updated_at,
    };
  }

  roleView(r: RoleWithPermissions): RoleView {
    return {
      id: r.id,
      code: r.code,
      name: r.name,
      description: r.description,
      userType: r.user_type,
      dataScope: r.data_scope,
      isBuiltin: r.is_builtin === 1,
      requiresMfa: r.requires_mfa === 1,
      permissions: r.permissions,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  // --- built-in roles and first admin ---------------------------------------------------

  /** Creates or updates the built-in roles; idempotent, run at every start. */
  async seedBuiltinRoles(): Promise<void> {
    const now = this.ctx.clock.iso();
    await this.ctx.db.transaction().execute(async (trx) => {
      for (const b of BUILTIN_ROLES) {
        const existing = await trx
          .selectFrom('roles')
          .select('id')
          .where('code', '=', b.code)
          .executeTakeFirst();
        const id = existing?.id ?? newId();
        if (!existing) {
          await trx
            .insertInto('roles')
            .values({
              id,
              code: b.code,
              name: b.name,
              description: b.description,
              user_type: b.userType,
              data_scope: b.dataScope,
              is_builtin: 1,
              requires_mfa: 0,
              created_at: now,
              updated_at: now,
            })
            .execute();
        }
        await trx.deleteFrom('role_permissions').where('role_id', '=', id).execute();
        await trx
          .insertInto('role_permissions')
          .values(b.permissions.map((permission) => ({ role_id: id, permission })))
          .execute();
      }
    });
  }

  async countUsers(): Promise<number> {
    const r = await this.ctx.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  // --- users ----------------------------------------------------------------------------

  private scopedUsers(auth: AuthContext) {
    let q = this.ctx.db.selectFrom('users');
    const tenant = tenantFilter(auth);
    if (tenant !== null) {
      q = q.where('enterprise_id', '=', tenant);
    } else if (auth.dataScope === 'department') {
      q = q.where('department_id', 'in', auth.departmentIds.length ? [...auth.departmentIds] : ['-']);
    } else if (auth.dataScope === 'own') {
      q = q.where((eb) => eb.or([eb('created_by', '=', auth.actorId), eb('id', '=', auth.actorId)]));
    }
    return q;
  }

  async listUsers(
    auth: AuthContext,
    q: {
      page: number;
      size: number;
      keyword?: string;
      status?: UserStatus;
      userType?: UserType;
      enterpriseId?: string;
      departmentId?: string;
      roleId?: string;
    },
  ): Promise<{ items: UserView[]; pagination: Pagination }> {
    let base = this.scopedUsers(auth);
    if (q.keyword) {
      const kw = q.keyword;
      base = base.where((eb) =>
        eb.or([
          likeEscaped(this.ctx.dialect, 'username', kw),
          likeEscaped(this.ctx.dialect, 'display_name', kw),
          likeEscaped(this.ctx.dialect, 'email', kw),
        ]),
      );
    }
    if (q.status) {
      base = base.where('status', '=', q.status);
    }
    if (q.userType) {
      base = base.where('user_type', '=', q.userType);
    }
    if (q.enterpriseId) {
      base = base.where('enterprise_id', '=', q.enterpriseId);
    }
    if (q.departmentId) {
      base = base.where('department_id', '=', q.departmentId);
    }
    if (q.roleId) {
      const roleId = q.roleId;
      base = base.where('id', 'in', (eb) =>
        eb.selectFrom('user_roles').select('user_id').where('role_id', '=', roleId),
      );
    }
    const page = await fetchPage(base.selectAll(), q, (qb) =>
      qb.orderBy('created_at', 'desc').orderBy('id', 'desc'),
    );
    const roles = await repo.rolesOfUsers(
      this.ctx.db,
      page.items.map((u) => u.id),
    );
    return { items: page.items.map((u) => this.view(u, roles.get(u.id) ?? [])), pagination: page.pagination };
  }

  async getUser(auth: AuthContext, id: string): Promise<UserView> {
    const u = await this.loadScopedUser(auth, id);
    const roles = await repo.rolesOfUsers(this.ctx.db, [u.id]);
    return this.view(u, roles.get(u.id) ?? []);
  }

  private async loadScopedUser(auth: AuthContext, id: string): Promise<UsersTable> {
    const u = await this.scopedUsers(auth).selectAll().where('id', '=', id).executeTakeFirst();
    if (!u) {
      throw UserErrors.userNotFound();
    }
    return u;
  }

  private async checkRoles(db: Q, roleIds: string[], userType: UserType, field = 'roleIds'): Promise<void> {
    if (roleIds.length === 0) {
      return;
    }
    const roles = await db
      .selectFrom('roles')
      .select(['id', 'user_type'])
      .where('id', 'in', roleIds)
      .execute();
    if (roles.length !== new Set(roleIds).size) {
      throw errors.invalid([{ field, reason: UserReasons.unknownRole }]);
    }
    if (roles.some((r) => r.user_type !== userType)) {
      throw errors.invalid([{ field, reason: UserReasons.roleUserType }]);
    }
  }

  async createUser(
    auth: AuthContext,
    input: {
      username: string;
      displayName: string;
      email?: string | null;
      phone?: string | null;
      password?: string;
      userType?: UserType;
      enterpriseId?: string | null;
      departmentId?: string | null;
      roleIds?: string[];
      mustChangePassword?: boolean;
    },
  ): Promise<UserView & { initialPassword?: string }> {
    const userType: UserType = isCustomer(auth) ? 'customer' : (input.userType ?? 'staff');
    const enterpriseId = userType === 'customer' ? tenantForWrite(auth, input.enterpriseId) : null;
    if (userType === 'staff' && input.enterpriseId) {
      throw errors.invalid([{ field: 'enterpriseId', reason: UserReasons.staffNoEnterprise }]);
    }
    if (userType === 'customer') {
      if (!enterpriseId) {
        throw errors.invalid([{ field: 'enterpriseId', reason: UserReasons.enterpriseRequired }]);
      }
      if (!(await this.enterpriseExists(enterpriseId))) {
        throw errors.invalid([{ field: 'enterpriseId', reason: UserReasons.enterpriseNotFound }]);
      }
    }
    const password = input.password ?? generatePassword();
    const generated = input.password === undefined ? password : undefined;
    const violation = passwordPolicyViolation(password, input.username);
    if (violation) {
      throw errors.invalid([{ field: 'password', reason: violation }]);
    }
    const roleIds = [...new Set(input.roleIds ?? [])];
    await this.checkRoles(this.ctx.db, roleIds, userType);
    if (input.departmentId) {
      await this.requireDepartment(input.departmentId);
    }
    const hash = await hashPassword(password);
    const now = this.ctx.clock.iso();
    const row: UsersTable = {
      id: newId(),
      username: input.username,
      display_name: input.displayName,
      email: input.email ?? null,
      phone: input.phone ?? null,
      password_hash: hash,
      user_type: userType,
      enterprise_id: enterpriseId,
      department_id: userType === 'staff' ? (input.departmentId ?? null) : null,
      status: 'active',
      mfa_secret: null,
      mfa_enabled: 0,
      failed_logins: 0,
      locked_until: null,
      must_change_password: flag(input.mustChangePassword ?? generated !== undefined),
      password_changed_at: now,
      last_login_at: null,
      created_by: auth.kind === 'system' ? null : auth.actorId,
      created_at: now,
      updated_at: now,
    };
    await this.ctx.db.transaction().execute(async (trx) => {
      const taken = await trx
        .selectFrom('users')
        .select('id')
        .where('username', '=', input.username)
        .executeTakeFirst();
      if (taken) {
        throw UserErrors.usernameTaken({ username: input.username });
      }
      await trx.insertInto('users').values(row).execute();
      if (roleIds.length) {
        await trx
          .insertInto('user_roles')
          .values(roleIds.map((role_id) => ({ user_id: row.id, role_id })))
          .execute();
      }
      await this.audit.recordChange(trx, auth, {
        entityType: 'user',
        entityId: row.id,
        action: 'create',
        after: { ...row, roleIds },
        enterpriseId,
      });
    });
    // Built from what was just written: the creator may not see the user in its own data scope.
    const roles = await repo.rolesOfUsers(this.ctx.db, [row.id]);
    const view = this.view(row, roles.get(row.id) ?? []);
    return generated ? { ...view, initialPassword: generated } : view;
  }

  async updateUser(
    auth: AuthContext,
    id: string,
    input: {
      displayName?: string;
      email?: string | null;
      phone?: string | null;
      departmentId?: string | null;
      roleIds?: string[];
      status?: UserStatus;
    },
  ): Promise<UserView> {
    const before = await this.loadScopedUser(auth, id);
    if (input.roleIds) {
      await this.checkRoles(this.ctx.db, [...new Set(input.roleIds)], before.user_type);
    }
    if (input.departmentId) {
      await this.requireDepartment(input.departmentId);
    }
    if (input.status === 'disabled' && id === auth.actorId) {
      throw UserErrors.cannotDeleteSelf();
    }
    const now = this.ctx.clock.iso();
    await this.ctx.db.transaction().execute(async (trx) => {
      const beforeRoles = (await repo.rolesOfUsers(trx, [id])).get(id) ?? [];
      const patch: Partial<UsersTable> = { updated_at: now };
      if (input.displayName !== undefined) {
        patch.display_name = input.displayName;
      }
      if (input.email !== undefined) {
        patch.email = input.email;
      }
      if (input.phone !== undefined) {
        patch.phone = input.phone;
      }
      if (input.departmentId !== undefined && before.user_type === 'staff') {
        patch.department_id = input.departmentId;
      }
      if (input.status !== undefined) {
        patch.status = input.status;
      }
      await trx.updateTable('users').set(patch).where('id', '=', id).execute();
      if (input.roleIds) {
        await trx.deleteFrom('user_roles').where('user_id', '=', id).execute();
        const roleIds = [...new Set(input.roleIds)];
        if (roleIds.length) {
          await trx
            .insertInto('user_roles')
            .values(roleIds.map((role_id) => ({ user_id: id, role_id })))
            .execute();
        }
      }
      await this.assertAdminRemains(trx);
      await this.audit.recordChange(trx, auth, {
        entityType: 'user',
        entityId: id,
        action: 'update',
        before: { ...before, roleIds: beforeRoles.map((r) => r.id) },
        after: { ...before, ...patch, ...(input.roleIds ? { roleIds: input.roleIds } : {}) },
        enterpriseId: before.enterprise_id,
      });
    });
    if (input.status === 'disabled') {
      await this.auth.revokeAllSessions(id, 'user_disabled');
    }
    this.auth.invalidate();
    return this.getUser(auth, id);
  }

  /** Refuses a change that would leave no active platform admin. */
  private async assertAdminRemains(trx: Q): Promise<void> {
    const admins = await trx
      .selectFrom('users')
      .innerJoin('user_roles', 'user_roles.user_id', 'users.id')
      .innerJoin('roles', 'roles.id', 'user_roles.role_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('roles.code', '=', 'platform_admin')
      .where('users.status', '=', 'active')
      .executeTakeFirst();
    const total = await trx
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    if (Number(total?.n ?? 0) > 0 && Number(admins?.n ?? 0) === 0) {
      throw UserErrors.lastAdmin();
    }
  }

  async deleteUser(auth: AuthContext, id: string): Promise<void> {
    if (id === auth.actorId) {
      throw UserErrors.cannotDeleteSelf();
    }
    const before = await this.loadScopedUser(auth, id);
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('users').where('id', '=', id).execute();
      await this.assertAdminRemains(trx);
      await this.audit.recordChange(trx, auth, {
        entityType: 'user',
        entityId: id,
        action: 'delete',
        before,
        enterpriseId: before.enterprise_id,
      });
    });
    this.auth.invalidate();
  }

  /** Admin reset (ID-1): sets a new password (generated when not given) that must be changed. */
  async resetPassword(auth: AuthContext, id: string, password?: string): Promise<{ password: string }> {
    const user = await this.loadScopedUser(auth, id);
    const next = password ?? generatePassword();
    const violation = passwordPolicyViolation(next, user.username);
    if (violation) {
      throw errors.invalid([{ field: 'password', reason: violation }]);
    }
    const now = this.ctx.clock.iso();
    const hash = await hashPassword(next);
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({
          password_hash: hash,
          password_changed_at: now,
          must_change_password: 1,
          failed_logins: 0,
          locked_until: null,
          updated_at: now,
        })
        .where('id', '=', id)
        .execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'user',
        entityId: id,
        action: 'update',
        before: { password: 'old' },
        after: { password: 'reset' },
        enterpriseId: user.enterprise_id,
      });
    });
    await this.auth.revokeAllSessions(id, 'password_reset_by_admin');
    return { password: next };
  }

  async unlockUser(auth: AuthContext, id: string): Promise<UserView> {
    const user = await this.loadScopedUser(auth, id);
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({ failed_logins: 0, locked_until: null, updated_at: this.ctx.clock.iso() })
        .where('id', '=', id)
        .execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'user',
        entityId: id,
        action: 'update',
        before: { locked_until: user.locked_until, failed_logins: user.failed_logins },
        after: { locked_until: null, failed_logins: 0 },
        enterpriseId: user.enterprise_id,
      });
    });
    return this.getUser(auth, id);
  }

  // --- roles ----------------------------------------------------------------------------

  async listRoles(
    auth: AuthContext,
    q: { page: number; size: number; userType?: UserType; keyword?: string },
  ) {
    let base = this.ctx.db.selectFrom('roles');
    if (isCustomer(auth)) {
      base = base.where('user_type', '=', 'customer');
    } else if (q.userType) {
      base = base.where('user_type', '=', q.userType);
    }
    if (q.keyword) {
      const kw = q.keyword;
      base = base.where((eb) =>
        eb.or([likeEscaped(this.ctx.dialect, 'code', kw), likeEscaped(this.ctx.dialect, 'name', kw)]),
      );
    }
    const page = await fetchPage(base.selectAll(), q, (qb) =>
      qb.orderBy('is_builtin', 'desc').orderBy('created_at', 'asc'),
    );
    const roles = await repo.withPermissions(this.ctx.db, page.items);
    return { items: roles.map((r) => this.roleView(r)), pagination: page.pagination };
  }

  async getRole(auth: AuthContext, id: string): Promise<RoleView> {
    const role = await this.ctx.db.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst();
    if (!role || (isCustomer(auth) && role.user_type !== 'customer')) {
      throw UserErrors.roleNotFound();
    }
    const [withPerms] = await repo.withPermissions(this.ctx.db, [role]);
    return this.roleView(withPerms as RoleWithPermissions);
  }

  private checkPermissionList(perms: string[]): void {
    const known = new Set(this.permissions.list().map((i) => i.code));
    for (const p of perms) {
      if (!isPermissionPattern(p) || (!p.endsWith('*') && !known.has(p))) {
        throw errors.invalid([
          { field: 'permissions', reason: UserReasons.unknownPermission, params: { value: p } },
        ]);
      }
    }
  }

  async createRole(
    auth: AuthContext,
    input: {
      code: string;
      name: string;
      description?: string;
      userType: UserType;
      dataScope: DataScope;
      requiresMfa?: boolean;
      permissions: string[];
    },
  ): Promise<RoleView> {
    this.checkPermissionList(input.permissions);
    const now = this.ctx.clock.iso();
    const id = newId();
    const dataScope: DataScope =
      input.userType === 'customer' ? 'tenant' : input.dataScope === 'tenant' ? 'all' : input.dataScope;
    await this.ctx.db.transaction().execute(async (trx) => {
      if (await trx.selectFrom('roles').select('id').where('code', '=', input.code).executeTakeFirst()) {
        throw UserErrors.roleCodeTaken({ code: input.code });
      }
      const row = {
        id,
        code: input.code,
        name: input.name,
        description: input.description ?? '',
        user_type: input.userType,
        data_scope: dataScope,
        is_builtin: 0 as const,
        requires_mfa: flag(input.requiresMfa ?? false),
        created_at: now,
        updated_at: now,
      };
      await trx.insertInto('roles').values(row).execute();
      const perms = [...new Set(input.permissions)];
      if (perms.length) {
        await trx
          .insertInto('role_permissions')
          .values(perms.map((permission) => ({ role_id: id, permission })))
          .execute();
      }
      await this.audit.recordChange(trx, auth, {
        entityType: 'role',
        entityId: id,
        action: 'create',
        after: { ...row, permissions: perms },
      });
    });
    return this.getRole(auth, id);
  }

  async updateRole(
    auth: AuthContext,
    id: string,
    input: {
      name?: string;
      description?: string;
      dataScope?: DataScope;
      requiresMfa?: boolean;
      permissions?: string[];
    },
  ): Promise<RoleView> {
    const before = await this.getRole(auth, id);
    if (before.isBuiltin && (input.permissions !== undefined || input.dataScope !== undefined)) {
      throw UserErrors.roleBuiltin();
    }
    if (input.permissions) {
      this.checkPermissionList(input.permissions);
    }
    const now = this.ctx.clock.iso();
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('roles')
        .set({
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
          ...(input.dataScope !== undefined && before.userType === 'staff'
            ? { data_scope: input.dataScope === 'tenant' ? 'all' : input.dataScope }
            : {}),
          ...(input.requiresMfa !== undefined ? { requires_mfa: flag(input.requiresMfa) } : {}),
          updated_at: now,
        })
        .where('id', '=', id)
        .execute();
      if (input.permissions) {
        await trx.deleteFrom('role_permissions').where('role_id', '=', id).execute();
        const perms = [...new Set(input.permissions)];
        if (perms.length) {
          await trx
            .insertInto('role_permissions')
            .values(perms.map((permission) => ({ role_id: id, permission })))
            .execute();
        }
      }
      await this.audit.recordChange(trx, auth, {
        entityType: 'role',
        entityId: id,
        action: 'update',
        before,
        after: input,
      });
    });
    this.auth.invalidate();
    return this.getRole(auth, id);
  }

  async deleteRole(auth: AuthContext, id: string): Promise<void> {
    const before = await this.getRole(auth, id);
    if (before.isBuiltin) {
      throw UserErrors.roleBuiltin();
    }
    await this.ctx.db.transaction().execute(async (trx) => {
      const used = await trx
        .selectFrom('user_roles')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('role_id', '=', id)
        .executeTakeFirst();
      if (Number(used?.n ?? 0) > 0) {
        throw UserErrors.roleInUse({ count: Number(used?.n) });
      }
      await trx.deleteFrom('roles').where('id', '=', id).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'role',
        entityId: id,
        action: 'delete',
        before,
      });
    });
  }

  // --- departments ----------------------------------------------------------------------

  private deptView(d: DepartmentsTable): DepartmentView {
    return {
      id: d.id,
      name: d.name,
      parentId: d.parent_id,
      sort: d.sort,
      createdAt: d.created_at,
      updatedAt: d.updated_at,
    };
  }

  private async requireDepartment(id: string, field = 'departmentId'): Promise<DepartmentsTable> {
    const d = await this.ctx.db.selectFrom('departments').selectAll().where('id', '=', id).executeTakeFirst();
    if (!d) {
      throw errors.invalid([{ field, reason: 'not_found' }]);
    }
    return d;
  }

  async listDepartments(q: { page: number; size: number }) {
    const page = await fetchPage(this.ctx.db.selectFrom('departments').selectAll(), q, (qb) =>
      qb.orderBy('sort').orderBy('name'),
    );
    return { items: page.items.map((d) => this.deptView(d)), pagination: page.pagination };
  }

  async getDepartment(id: string): Promise<DepartmentView> {
    const d = await this.ctx.db.selectFrom('departments').selectAll().where('id', '=', id).executeTakeFirst();
    if (!d) {
      throw UserErrors.departmentNotFound();
    }
    return this.deptView(d);
  }

  async createDepartment(
    auth: AuthContext,
    input: { name: string; parentId?: string | null; sort?: number },
  ): Promise<DepartmentView> {
    if (input.parentId) {
      await this.requireDepartment(input.parentId, 'parentId');
    }
    const now = this.ctx.clock.iso();
    const row = {
      id: newId(),
      name: input.name,
      parent_id: input.parentId ?? null,
      sort: input.sort ?? 0,
      created_at: now,
      updated_at: now,
    };
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.insertInto('departments').values(row).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'department',
        entityId: row.id,
        action: 'create',
        after: row,
      });
    });
    return this.deptView(row);
  }

  async updateDepartment(
    auth: AuthContext,
    id: string,
    input: { name?: string; parentId?: string | null; sort?: number },
  ): Promise<DepartmentView> {
    const before = await this.getDepartment(id);
    if (input.parentId) {
      await this.requireDepartment(input.parentId, 'parentId');
      const descendants = await repo.departmentDescendants(this.ctx.db, id);
      if (descendants.includes(input.parentId)) {
        throw errors.invalid([{ field: 'parentId', reason: UserReasons.departmentCycle }]);
      }
    }
    const now = this.ctx.clock.iso();
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('departments')
        .set({
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.parentId !== undefined ? { parent_id: input.parentId } : {}),
          ...(input.sort !== undefined ? { sort: input.sort } : {}),
          updated_at: now,
        })
        .where('id', '=', id)
        .execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'department',
        entityId: id,
        action: 'update',
        before,
        after: input,
      });
    });
    this.auth.invalidate();
    return this.getDepartment(id);
  }

  async deleteDepartment(auth: AuthContext, id: string): Promise<void> {
    const before = await this.getDepartment(id);
    await this.ctx.db.transaction().execute(async (trx) => {
      const children = await trx
        .selectFrom('departments')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('parent_id', '=', id)
        .executeTakeFirst();
      const users = await trx
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('department_id', '=', id)
        .executeTakeFirst();
      if (Number(children?.n ?? 0) > 0 || Number(users?.n ?? 0) > 0) {
        throw UserErrors.departmentNotEmpty({
          children: Number(children?.n ?? 0),
          users: Number(users?.n ?? 0),
        });
      }
      await trx.deleteFrom('departments').where('id', '=', id).execute();
      await this.audit.recordChange(trx, auth, {
        entityType: 'department',
        entityId: id,
        action: 'delete',
        before,
      });
    });
  }

  /** For the tenant checks of other modules' routes: does this user belong to the caller's scope? */
  async assertUserInScope(auth: AuthContext, userId: string): Promise<void> {
    const u = await repo.userById(this.ctx.db, userId);
    if (!u) {
      throw UserErrors.userNotFound();
    }
    assertTenant(auth, u.enterprise_id, 'USER_NOT_FOUND');
  }
}
