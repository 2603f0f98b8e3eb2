// HTTP routes of the identity module: sign-in and sessions under /api/v1/auth, users, roles,
// departments, permissions and API keys under /api/v1/identity. Routes only declare and delegate.
import { Type } from 'typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { EnvelopeOf, PageOf, ok, paged, requestLocale } from '../../platform/http/envelope.js';
import { Done, IdParams } from '../../platform/http/schemas.js';
import { PageQuery } from '../../platform/http/pagination.js';
import { SELF, type PermissionRegistry } from '../../platform/auth/permissions.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { authOf } from '../../platform/auth/guard.js';
import { errors } from '../../platform/http/errors.js';
import type { AuthService, ClientInfo } from './auth.service.js';
import type { UserService } from './users.service.js';
import type { ApiKeyService } from './api-keys.service.js';
import { identityRepository as repo } from './identity.repository.js';
import * as S from './identity.schemas.js';

export interface IdentityServices {
  auth: AuthService;
  users: UserService;
  apiKeys: ApiKeyService;
  permissions: PermissionRegistry;
}

function client(request: FastifyRequest): ClientInfo {
  return { ip: request.ip, userAgent: String(request.headers['user-agent'] ?? '') };
}

export function registerIdentityRoutes(app: FastifyInstance, ctx: AppContext, s: IdentityServices): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tagsAuth = ['auth'];
  const tags = ['identity'];

  const me = async (auth: AuthContext) => {
    const user = await repo.userById(ctx.db, auth.actorId);
    const cached = await s.auth.userContext(auth.actorId);
    if (!user || !cached) {
      throw errors.unauthorized();
    }
    const roles = await repo.rolesOfUser(ctx.db, user.id);
    return {
      id: user.id,
      username: user.username,
      displayName: user.display_name,
      email: user.email,
      userType: user.user_type,
      enterpriseId: user.enterprise_id,
      permissions: [...cached.base.permissions],
      roles: roles.map((x) => x.code),
      mfaEnabled: user.mfa_enabled === 1,
      mfaSetupRequired: cached.mfaSetupRequired,
      mustChangePassword: user.must_change_password === 1,
    };
  };

  // --- sign-in ----------------------------------------------------------------------------
  r.post(
    '/api/v1/auth/login',
    {
      config: { public: true },
      schema: {
        tags: tagsAuth,
        summary: 'Sign in with username and password',
        body: S.LoginBody,
        response: { 200: EnvelopeOf(S.LoginResult) },
      },
    },
    async (request) => {
      const result = await s.auth.login(request.body.username, request.body.password, client(request));
      if (result.mfaRequired) {
        return ok(result);
      }
      const { userId, ...pair } = result;
      request.auditTarget = userId;
      return ok({ ...pair, mfaRequired: false as const, user: await me({ actorId: userId } as AuthContext) });
    },
  );

  r.post(
    '/api/v1/auth/login/mfa',
    {
      config: { public: true },
      schema: {
        tags: tagsAuth,
        summary: 'Second sign-in step: a TOTP code or a recovery code',
        body: Type.Object({
          mfaToken: Type.String({ minLength: 10 }),
          code: Type.String({ minLength: 6, maxLength: 20 }),
        }),
        response: { 200: EnvelopeOf(S.LoginResult) },
      },
    },
    async (request) => {
      const { userId, ...pair } = await s.auth.loginMfa(
        request.body.mfaToken,
        request.body.code,
        client(request),
      );
      request.auditTarget = userId;
      return ok({ ...pair, mfaRequired: false as const, user: await me({ actorId: userId } as AuthContext) });
    },
  );

  r.post(
    '/api/v1/auth/refresh',
    {
      config: { public: true },
      schema: {
        tags: tagsAuth,
        summary: 'Rotate a refresh token',
        body: Type.Object({ refreshToken: Type.String({ minLength: 10 }) }),
        response: { 200: EnvelopeOf(S.TokenPairSchema) },
      },
    },
    async (request) => ok(await s.auth.refresh(request.body.refreshToken, client(request))),
  );

  r.post(
    '/api/v1/auth/logout',
    {
      config: { public: true },
      schema: {
        tags: tagsAuth,
        summary: 'Sign out this session',
        body: Type.Object({ refreshToken: Type.String({ minLength: 10 }) }),
        response: { 200: EnvelopeOf(Done) },
      },
    },
    async (request) => {
      await s.auth.logout(request.body.refreshToken);
      return ok({ done: true });
    },
  );

  r.get(
    '/api/v1/auth/me',
    {
      config: { permission: SELF },
      schema: {
        tags: tagsAuth,
        summary: 'The signed-in user with permissions',
        response: { 200: EnvelopeOf(S.Me) },
      },
    },
    async (request) => ok(await me(authOf(request))),
  );

  r.get(
    '/api/v1/auth/whoami',
    {
      config: { permission: SELF, auth: 'any' },
      schema: {
        tags: tagsAuth,
        summary: 'Who is calling: a console user or an API key',
        response: { 200: EnvelopeOf(S.Whoami) },
      },
    },
    async (request) => {
      const a = authOf(request);
      return ok({
        kind: a.kind,
        actorId: a.actorId,
        actorName: a.actorName,
        enterpriseId: a.enterpriseId,
        ownerType: a.apiKey?.ownerType ?? null,
        ownerId: a.apiKey?.ownerId ?? null,
        scopes: [...(a.apiKey?.scopes ?? [])],
      });
    },
  );

  r.post(
    '/api/v1/auth/password',
    {
      config: { permission: SELF },
      schema: {
        tags: tagsAuth,
        summary: 'Change my password',
        body: Type.Object({
          currentPassword: Type.String({ minLength: 1, maxLength: 256 }),
          newPassword: Type.String({ minLength: 1, maxLength: 256 }),
        }),
        response: { 200: EnvelopeOf(Done) },
      },
    },
    async (request) => {
      await s.auth.changePassword(authOf(request), request.body.currentPassword, request.body.newPassword);
      return ok({ done: true });
    },
  );

  r.post(
    '/api/v1/auth/password-reset/request',
    {
      config: { public: true },
      schema: {
        tags: tagsAuth,
        summary: 'Ask for a password reset link (always answers the same, whether the account exists or not)',
        body: Type.Object({
          login: Type.String({ minLength: 1, maxLength: 254, description: 'Username or e-mail' }),
        }),
        response: { 200: EnvelopeOf(Done) },
      },
    },
    async (request) => {
      await s.auth.requestPasswordReset(request.body.login, {
        consoleUrl: ctx.config.publicUrl || `${request.protocol}://${request.host}`,
        locale: requestLocale(request),
      });
      return ok({ done: true });
    },
  );

  r.post(
    '/api/v1/auth/password-reset/confirm',
    {
      config: { public: true },
      schema: {
        tags: tagsAuth,
        summary: 'Set a new password with a reset token',
        body: Type.Object({
          token: Type.String({ minLength: 10, maxLength: 200 }),
          password: Type.String({ minLength: 1, maxLength: 256 }),
        }),
        response: { 200: EnvelopeOf(Done) },
      },
    },
    async (request) => {
      await s.auth.confirmPasswordReset(request.body.token, request.body.password);
      return ok({ done: true });
    },
  );

  r.get(
    '/api/v1/auth/sessions',
    {
      config: { permission: SELF },
      schema: {
        tags: tagsAuth,
        summary: 'My signed-in devices',
        response: { 200: EnvelopeOf(Type.Array(S.SessionSchema)) },
      },
    },
    async (request) => ok(await s.auth.listSessions(authOf(request))),
  );

  r.delete(
    '/api/v1/auth/sessions/:id',
    {
      config: { permission: SELF },
      schema: {
        tags: tagsAuth,
        summary: 'Sign out one of my devices',
        params: IdParams,
        response: { 200: EnvelopeOf(Done) },
      },
    },
    async (request) => {
      await s.auth.revokeOwnSession(authOf(request), request.params.id);
      return ok({ done: true });
    },
  );

  r.post(
    '/api/v1/auth/mfa/setup',
    {
      config: { permission: SELF },
      schema: {
        tags: tagsAuth,
        summary: 'Start binding a TOTP authenticator: returns the secret and a QR code',
        response: {
          200: EnvelopeOf(
            Type.Object({ secret: Type.String(), otpauthUrl: Type.String(), qrDataUrl: Type.String() }),
          ),
        },
      },
    },
    async (request) => ok(await s.auth.mfaSetup(authOf(request))),
  );

  const CodeBody = Type.Object({ code: Type.String({ minLength: 6, maxLength: 20 }) });
  const RecoveryCodes = EnvelopeOf(Type.Object({ recoveryCodes: Type.Array(Type.String()) }));
  r.post(
    '/api/v1/auth/mfa/enable',
    {
      config: { permission: SELF },
      schema: {
        tags: tagsAuth,
        summary: 'Confirm the authenticator with a code; returns ten recovery codes once',
        body: CodeBody,
        response: { 200: RecoveryCodes },
      },
    },
    async (request) => ok(await s.auth.mfaEnable(authOf(request), request.body.code)),
  );
  r.post(
    '/api/v1/auth/mfa/disable',
    {
      config: { permission: SELF },
      schema: {
        tags: tagsAuth,
        summary: 'Turn two-factor authentication off (needs a code)',
        body: CodeBody,
        response: { 200: EnvelopeOf(Done) },
      },
    },
    async (request) => {
      await s.auth.mfaDisable(authOf(request), request.body.code);
      return ok({ done: true });
    },
  );
  r.post(
    '/api/v1/auth/mfa/recovery-codes',
    {
      config: { permission: SELF },
      schema: {
        tags: tagsAuth,
        summary: 'Replace my recovery codes',
        body: CodeBody,
        response: { 200: RecoveryCodes },
      },
    },
    async (request) => ok(await s.auth.regenerateRecoveryCodes(authOf(request), request.body.code)),
  );

  // --- users ------------------------------------------------------------------------------
  r.get(
    '/api/v1/identity/users',
    {
      config: { permission: 'identity:user:read' },
      schema: {
        tags,
        summary: 'List users',
        querystring: S.UserListQuery,
        response: { 200: PageOf(S.UserSchema) },
      },
    },
    async (request) => {
      const page = await s.users.listUsers(authOf(request), request.query);
      return paged(page.items, page.pagination);
    },
  );
  r.post(
    '/api/v1/identity/users',
    {
      config: { permission: 'identity:user:create' },
      schema: {
        tags,
        summary: 'Create a user',
        body: S.CreateUserBody,
        response: { 200: EnvelopeOf(S.UserSchema) },
      },
    },
    async (request) => ok(await s.users.createUser(authOf(request), request.body)),
  );
  r.get(
    '/api/v1/identity/users/:id',
    {
      config: { permission: 'identity:user:read', tenantResource: 'user' },
      schema: { tags, summary: 'One user', params: IdParams, response: { 200: EnvelopeOf(S.UserSchema) } },
    },
    async (request) => ok(await s.users.getUser(authOf(request), request.params.id)),
  );
  r.patch(
    '/api/v1/identity/users/:id',
    {
      config: { permission: 'identity:user:update', tenantResource: 'user' },
      schema: {
        tags,
        summary: 'Update a user (profile, department, roles, status)',
        params: IdParams,
        body: S.UpdateUserBody,
        response: { 200: EnvelopeOf(S.UserSchema) },
      },
    },
    async (request) => ok(await s.users.updateUser(authOf(request), request.params.id, request.body)),
  );
  r.delete(
    '/api/v1/identity/users/:id',
    {
      config: { permission: 'identity:user:delete', tenantResource: 'user' },
      schema: { tags, summary: 'Delete a user', params: IdParams, response: { 200: EnvelopeOf(Done) } },
    },
    async (request) => {
      await s.users.deleteUser(authOf(request), request.params.id);
      return ok({ done: true });
    },
  );
  r.post(
    '/api/v1/identity/users/:id/reset-password',
    {
      config: { permission: 'identity:user:reset-password', tenantResource: 'user' },
      schema: {
        tags,
        summary:
          'Set a new password for a user (generated when omitted); the user must change it at next sign-in',
        params: IdParams,
        body: Type.Object(
          { password: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })) },
          { additionalProperties: false },
        ),
        response: { 200: EnvelopeOf(Type.Object({ password: Type.String() })) },
      },
    },
    async (request) =>
      ok(await s.users.resetPassword(authOf(request), request.params.id, request.body.password)),
  );
  r.post(
    '/api/v1/identity/users/:id/unlock',
    {
      config: { permission: 'identity:user:update', tenantResource: 'user' },
      schema: {
        tags,
        summary: 'Lift a sign-in lockout',
        params: IdParams,
        response: { 200: EnvelopeOf(S.UserSchema) },
      },
    },
    async (request) => ok(await s.users.unlockUser(authOf(request), request.params.id)),
  );

  // --- roles and permissions ----------------------------------------------------------------
  r.get(
    '/api/v1/identity/permissions',
    {
      config: { permission: 'identity:role:read' },
      schema: {
        tags,
        summary: 'Every permission code, generated from the route table',
        response: { 200: EnvelopeOf(Type.Array(S.PermissionSchema)) },
      },
    },
    async () => ok(s.permissions.list()),
  );
  r.get(
    '/api/v1/identity/roles',
    {
      config: { permission: 'identity:role:read' },
      schema: {
        tags,
        summary: 'List roles',
        querystring: Type.Intersect([
          PageQuery,
          Type.Object({
            userType: Type.Optional(S.UserTypeSchema),
            keyword: Type.Optional(Type.String({ maxLength: 100 })),
          }),
        ]),
        response: { 200: PageOf(S.RoleSchema) },
      },
    },
    async (request) => {
      const page = await s.users.listRoles(authOf(request), request.query);
      return paged(page.items, page.pagination);
    },
  );
  r.post(
    '/api/v1/identity/roles',
    {
      config: { permission: 'identity:role:create' },
      schema: {
        tags,
        summary: 'Create a custom role',
        body: S.CreateRoleBody,
        response: { 200: EnvelopeOf(S.RoleSchema) },
      },
    },
    async (request) => ok(await s.users.createRole(authOf(request), request.body)),
  );
  r.get(
    '/api/v1/identity/roles/:id',
    {
      config: { permission: 'identity:role:read' },
      schema: { tags, summary: 'One role', params: IdParams, response: { 200: EnvelopeOf(S.RoleSchema) } },
    },
    async (request) => ok(await s.users.getRole(authOf(request), request.params.id)),
  );
  r.patch(
    '/api/v1/identity/roles/:id',
    {
      config: { permission: 'identity:role:update' },
      schema: {
        tags,
        summary: 'Update a role',
        params: IdParams,
        body: S.UpdateRoleBody,
        response: { 200: EnvelopeOf(S.RoleSchema) },
      },
    },
    async (request) => ok(await s.users.updateRole(authOf(request), request.params.id, request.body)),
  );
  r.delete(
    '/api/v1/identity/roles/:id',
    {
      config: { permission: 'identity:role:delete' },
      schema: {
        tags,
        summary: 'Delete a custom role that no user has',
        params: IdParams,
        response: { 200: EnvelopeOf(Done) },
      },
    },
    async (request) => {
      await s.users.deleteRole(authOf(request), request.params.id);
      return ok({ done: true });
    },
  );

  // --- departments --------------------------------------------------------------------------
  r.get(
    '/api/v1/identity/departments',
    {
      config: { permission: 'identity:department:read' },
      schema: {
        tags,
        summary: 'List departments (flat; build the tree from parentId)',
        querystring: Type.Object({
          page: Type.Integer({ minimum: 1, default: 1 }),
          size: Type.Integer({ minimum: 1, maximum: 100, default: 100 }),
        }),
        response: { 200: PageOf(S.DepartmentSchema) },
      },
    },
    async (request) => {
      const page = await s.users.listDepartments(request.query);
      return paged(page.items, page.pagination);
    },
  );
  r.post(
    '/api/v1/identity/departments',
    {
      config: { permission: 'identity:department:create' },
      schema: {
        tags,
        summary: 'Create a department',
        body: S.CreateDepartmentBody,
        response: { 200: EnvelopeOf(S.DepartmentSchema) },
      },
    },
    async (request) => ok(await s.users.createDepartment(authOf(request), request.body)),
  );
  r.patch(
    '/api/v1/identity/departments/:id',
    {
      config: { permission: 'identity:department:update' },
      schema: {
        tags,
        summary: 'Update a department',
        params: IdParams,
        body: S.UpdateDepartmentBody,
        response: { 200: EnvelopeOf(S.DepartmentSchema) },
      },
    },
    async (request) => ok(await s.users.updateDepartment(authOf(request), request.params.id, request.body)),
  );
  r.delete(
    '/api/v1/identity/departments/:id',
    {
      config: { permission: 'identity:department:delete' },
      schema: {
        tags,
        summary: 'Delete an empty department',
        params: IdParams,
        response: { 200: EnvelopeOf(Done) },
      },
    },
    async (request) => {
      await s.users.deleteDepartment(authOf(request), request.params.id);
      return ok({ done: true });
    },
  );

  // --- API keys -----------------------------------------------------------------------------
  r.get(
    '/api/v1/identity/api-keys',
    {
      config: { permission: 'identity:api-key:read' },
      schema: {
        tags,
        summary: 'List API keys (never the keys themselves)',
        querystring: S.ApiKeyListQuery,
        response: { 200: PageOf(S.ApiKeySchema) },
      },
    },
    async (request) => {
      const page = await s.apiKeys.list(authOf(request), request.query);
      return paged(page.items, page.pagination);
    },
  );
  r.post(
    '/api/v1/identity/api-keys',
    {
      config: { permission: 'identity:api-key:create' },
      schema: {
        tags,
        summary: 'Issue an API key; the key is in this response only',
        body: S.CreateApiKeyBody,
        response: { 200: EnvelopeOf(S.CreatedApiKeySchema) },
      },
    },
    async (request) => ok(await s.apiKeys.create(authOf(request), request.body)),
  );
  r.get(
    '/api/v1/identity/api-keys/:id',
    {
      config: { permission: 'identity:api-key:read', tenantResource: 'api_key' },
      schema: {
        tags,
        summary: 'One API key',
        params: IdParams,
        response: { 200: EnvelopeOf(S.ApiKeySchema) },
      },
    },
    async (request) => ok(await s.apiKeys.get(authOf(request), request.params.id)),
  );
  r.delete(
    '/api/v1/identity/api-keys/:id',
    {
      config: { permission: 'identity:api-key:revoke', tenantResource: 'api_key' },
      schema: {
        tags,
        summary: 'Revoke an API key',
        params: IdParams,
        response: { 200: EnvelopeOf(S.ApiKeySchema) },
      },
    },
    async (request) => ok(await s.apiKeys.revoke(authOf(request), request.params.id)),
  );
}
