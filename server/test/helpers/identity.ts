// Factories for identity fixtures: a platform admin, users with exactly the given
// permissions, signed-in tokens. Each test file builds what it needs.
import type { App } from '../../src/app.js';
import { systemAuth } from '../../src/platform/auth/auth-context.js';
import type { UserType } from '../../src/modules/identity/identity.tables.js';

export const TEST_PASSWORD = 'Correct-horse-9';

let counter = 0;
export const uniqueName = (prefix: string): string =>
  `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;

export interface SignedIn {
  userId: string;
  username: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  headers: { authorization: string };
}

export async function login(app: App, username: string, password = TEST_PASSWORD): Promise<SignedIn> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password },
  });
  if (res.statusCode !== 200) {
    throw new Error(`login of ${username} failed: ${res.statusCode} ${res.body}`);
  }
  const data = res.json<{ data: { accessToken: string; refreshToken: string; user: { id: string } } }>().data;
  return {
    userId: data.user.id,
    username,
    password,
    accessToken: data.accessToken,
    refreshToken: data.refreshToken,
    headers: { authorization: `Bearer ${data.accessToken}` },
  };
}

export async function roleId(app: App, code: string): Promise<string> {
  const row = await app.ctx.db
    .selectFrom('roles')
    .select('id')
    .where('code', '=', code)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A user with the given built-in role codes, signed in. */
export async function userWithRoles(
  app: App,
  roles: string[],
  opts: { userType?: UserType; enterpriseId?: string | null; username?: string } = {},
): Promise<SignedIn> {
  const { users } = app.services.identity;
  const username = opts.username ?? uniqueName('u');
  await users.createUser(systemAuth('test'), {
    username,
    displayName: username,
    password: TEST_PASSWORD,
    userType: opts.userType ?? 'staff',
    enterpriseId: opts.enterpriseId ?? null,
    roleIds: await Promise.all(roles.map((r) => roleId(app, r))),
    mustChangePassword: false,
  });
  return login(app, username);
}

export function signInAdmin(app: App): Promise<SignedIn> {
  return userWithRoles(app, ['platform_admin']);
}

/** A user whose only role grants exactly these permission patterns. */
export async function userWithPermissions(
  app: App,
  permissions: string[],
  opts: { userType?: UserType; enterpriseId?: string | null } = {},
): Promise<SignedIn> {
  const { users } = app.services.identity;
  const userType = opts.userType ?? 'staff';
  const role = await users.createRole(systemAuth('test'), {
    code: uniqueName('r_')
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, '_'),
    name: 'test role',
    userType,
    dataScope: userType === 'customer' ? 'tenant' : 'all',
    permissions,
  });
  const username = uniqueName('p');
  await users.createUser(systemAuth('test'), {
    username,
    displayName: username,
    password: TEST_PASSWORD,
    userType,
    enterpriseId: opts.enterpriseId ?? null,
    roleIds: [role.id],
    mustChangePassword: false,
  });
  return login(app, username);
}
