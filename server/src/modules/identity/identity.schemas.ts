// Request and response schemas of the identity module.
import { Type } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../../platform/http/schemas.js';

export const Username = Type.String({ minLength: 3, maxLength: 64, pattern: '^[A-Za-z0-9_.@-]+$' });
export const UserTypeSchema = Type.Union([Type.Literal('staff'), Type.Literal('customer')]);
export const DataScopeSchema = Type.Union([
  Type.Literal('all'),
  Type.Literal('department'),
  Type.Literal('own'),
  Type.Literal('tenant'),
]);
export const UserStatusSchema = Type.Union([Type.Literal('active'), Type.Literal('disabled')]);

export const LoginBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 128 }),
  password: Type.String({ minLength: 1, maxLength: 256 }),
});

export const TokenPairSchema = Type.Object({
  accessToken: Type.String(),
  refreshToken: Type.String(),
  accessExpiresAt: Timestamp,
});

export const LoginResult = Type.Union([
  Type.Object({ mfaRequired: Type.Literal(true), mfaToken: Type.String() }),
  Type.Object({
    mfaRequired: Type.Literal(false),
    accessToken: Type.String(),
    refreshToken: Type.String(),
    accessExpiresAt: Timestamp,
    user: Type.Any(),
  }),
]);

export const Me = Type.Object({
  id: Uuid,
  username: Type.String(),
  displayName: Type.String(),
  email: Nullable(Type.String()),
  userType: UserTypeSchema,
  enterpriseId: Nullable(Type.String()),
  permissions: Type.Array(Type.String()),
  roles: Type.Array(Type.String()),
  mfaEnabled: Type.Boolean(),
  mfaSetupRequired: Type.Boolean(),
  mustChangePassword: Type.Boolean(),
});

export const Whoami = Type.Object({
  kind: Type.Union([Type.Literal('user'), Type.Literal('apiKey'), Type.Literal('system')]),
  actorId: Type.String(),
  actorName: Type.String(),
  enterpriseId: Nullable(Type.String()),
  ownerType: Nullable(Type.String()),
  ownerId: Nullable(Type.String()),
  scopes: Type.Array(Type.String()),
});

export const SessionSchema = Type.Object({
  id: Uuid,
  ip: Type.String(),
  userAgent: Type.String(),
  createdAt: Timestamp,
  lastUsedAt: Timestamp,
  expiresAt: Timestamp,
  current: Type.Boolean(),
});

export const RoleRef = Type.Object({ id: Uuid, code: Type.String(), name: Type.String() });

export const UserSchema = Type.Object({
  id: Uuid,
  username: Type.String(),
  displayName: Type.String(),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  userType: UserTypeSchema,
  enterpriseId: Nullable(Type.String()),
  departmentId: Nullable(Type.String()),
  status: UserStatusSchema,
  mfaEnabled: Type.Boolean(),
  locked: Type.Boolean(),
  lastLoginAt: Nullable(Timestamp),
  roles: Type.Array(RoleRef),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  initialPassword: Type.Optional(Type.String({ description: 'Shown once when the password was generated' })),
});

const Email = Type.String({ format: 'email', maxLength: 254 });
const Phone = Type.String({ maxLength: 32, pattern: '^[+0-9 ()-]*$' });

export const CreateUserBody = Type.Object(
  {
    username: Username,
    displayName: Type.String({ minLength: 1, maxLength: 100 }),
    email: Type.Optional(Nullable(Email)),
    phone: Type.Optional(Nullable(Phone)),
    password: Type.Optional(
      Type.String({ minLength: 1, maxLength: 128, description: 'Generated and returned once when omitted' }),
    ),
    userType: Type.Optional(UserTypeSchema),
    enterpriseId: Type.Optional(Nullable(Uuid)),
    departmentId: Type.Optional(Nullable(Uuid)),
    roleIds: Type.Optional(Type.Array(Uuid, { maxItems: 50 })),
    mustChangePassword: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const UpdateUserBody = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    email: Type.Optional(Nullable(Email)),
    phone: Type.Optional(Nullable(Phone)),
    departmentId: Type.Optional(Nullable(Uuid)),
    roleIds: Type.Optional(Type.Array(Uuid, { maxItems: 50 })),
    status: Type.Optional(UserStatusSchema),
  },
  { additionalProperties: false },
);

export const UserListQuery = Type.Object({
  page: Type.Integer({ minimum: 1, default: 1 }),
  size: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  keyword: Type.Optional(Type.String({ maxLength: 100 })),
  status: Type.Optional(UserStatusSchema),
  userType: Type.Optional(UserTypeSchema),
  enterpriseId: Type.Optional(Uuid),
  departmentId: Type.Optional(Uuid),
  roleId: Type.Optional(Uuid),
});

export const RoleSchema = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: Type.String(),
  description: Type.String(),
  userType: UserTypeSchema,
  dataScope: DataScopeSchema,
  isBuiltin: Type.Boolean(),
  requiresMfa: Type.Boolean(),
  permissions: Type.Array(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const CreateRoleBody = Type.Object(
  {
    code: Type.String({ minLength: 2, maxLength: 50, pattern: '^[a-z][a-z0-9_]+$' }),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    userType: UserTypeSchema,
    dataScope: DataScopeSchema,
    requiresMfa: Type.Optional(Type.Boolean()),
    permissions: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 500 }),
  },
  { additionalProperties: false },
);

export const UpdateRoleBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    dataScope: Type.Optional(DataScopeSchema),
    requiresMfa: Type.Optional(Type.Boolean()),
    permissions: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 500 })),
  },
  { additionalProperties: false },
);

export const DepartmentSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  parentId: Nullable(Type.String()),
  sort: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const CreateDepartmentBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    parentId: Type.Optional(Nullable(Uuid)),
    sort: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })),
  },
  { additionalProperties: false },
);

export const UpdateDepartmentBody = Type.Partial(CreateDepartmentBody, { additionalProperties: false });

export const PermissionSchema = Type.Object({
  code: Type.String(),
  module: Type.String(),
  resource: Type.String(),
  operation: Type.String(),
});

export const ApiKeyOwnerTypeSchema = Type.Union([
  Type.Literal('sending_account'),
  Type.Literal('service_account'),
]);

export const ApiKeySchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  prefix: Type.String(),
  ownerType: ApiKeyOwnerTypeSchema,
  ownerId: Type.String(),
  enterpriseId: Type.String(),
  scopes: Type.Array(Type.String()),
  ipAllowlist: Type.Array(Type.String()),
  rateLimit: Nullable(Type.Integer()),
  expiresAt: Nullable(Timestamp),
  lastUsedAt: Nullable(Timestamp),
  revokedAt: Nullable(Timestamp),
  createdAt: Timestamp,
});

export const CreatedApiKeySchema = Type.Intersect([
  ApiKeySchema,
  Type.Object({ key: Type.String({ description: 'The full key. Shown only in this response.' }) }),
]);

export const CreateApiKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    ownerType: ApiKeyOwnerTypeSchema,
    ownerId: Uuid,
    scopes: Type.Array(Type.String({ maxLength: 20 }), { minItems: 1, maxItems: 10 }),
    ipAllowlist: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 100 })),
    expiresAt: Type.Optional(Nullable(Timestamp)),
    rateLimit: Type.Optional(
      Nullable(
        Type.Integer({
          minimum: 0,
          maximum: 1_000_000,
          description: 'Requests/s; 0 = unlimited; null = platform default',
        }),
      ),
    ),
  },
  { additionalProperties: false },
);

export const ApiKeyListQuery = Type.Object({
  page: Type.Integer({ minimum: 1, default: 1 }),
  size: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  ownerType: Type.Optional(ApiKeyOwnerTypeSchema),
  ownerId: Type.Optional(Uuid),
  enterpriseId: Type.Optional(Uuid),
  includeRevoked: Type.Optional(Type.Boolean()),
});
