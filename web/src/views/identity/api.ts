// The identity module's endpoints as the console pages call them. Types come from the
// generated OpenAPI schema (api/schema.d.ts), so a server change shows up at compile time.
import { request, requestEnvelope } from '@/api/request';
import type { paths } from '@/api/schema';
import type { PagePagination } from '@/api/types';

type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
/** The `data` of an endpoint's 200 response. */
export type DataOf<P extends keyof paths, M extends 'get' | 'post' | 'patch' | 'delete'> =
  NonNullable<paths[P][M]> extends { responses: { 200: infer R } }
    ? JsonOf<R> extends { data: infer D }
      ? D
      : never
    : never;
/** The JSON body an endpoint accepts. */
export type BodyOf<P extends keyof paths, M extends 'post' | 'patch'> =
  NonNullable<paths[P][M]> extends { requestBody?: infer B } ? JsonOf<NonNullable<B>> : never;

export type User = DataOf<'/api/v1/identity/users', 'get'>[number];
export type CreateUserBody = BodyOf<'/api/v1/identity/users', 'post'>;
export type UpdateUserBody = BodyOf<'/api/v1/identity/users/{id}', 'patch'>;
export type UserQuery = NonNullable<paths['/api/v1/identity/users']['get']['parameters']['query']>;
export type Role = DataOf<'/api/v1/identity/roles', 'get'>[number];
export type CreateRoleBody = BodyOf<'/api/v1/identity/roles', 'post'>;
export type UpdateRoleBody = BodyOf<'/api/v1/identity/roles/{id}', 'patch'>;
export type Department = DataOf<'/api/v1/identity/departments', 'get'>[number];
export type CreateDepartmentBody = BodyOf<'/api/v1/identity/departments', 'post'>;
export type Permission = DataOf<'/api/v1/identity/permissions', 'get'>[number];
export type UserStatus = User['status'];
export type UserType = User['userType'];
export type DataScope = Role['dataScope'];

export interface Page<T> {
  items: T[];
  pagination: PagePagination;
}

async function page<T>(path: string, query: Record<string, string | number | undefined>): Promise<Page<T>> {
  const envelope = await requestEnvelope<T[]>(path, { query });
  const pagination = envelope.pagination as PagePagination | undefined;
  return {
    items: envelope.data,
    pagination: pagination ?? { page: 1, size: envelope.data.length, total: envelope.data.length, pages: 1 },
  };
}

/** Every page of a list whose size limit is 100 (roles, departments for pickers and trees). */
async function all<T>(path: string): Promise<T[]> {
  const out: T[] = [];
  for (let p = 1; ; p++) {
    const { items, pagination } = await page<T>(path, { page: p, size: 100 });
    out.push(...items);
    if (p >= pagination.pages || items.length === 0) {
      return out;
    }
  }
}

const users = '/api/v1/identity/users';
const roles = '/api/v1/identity/roles';
const departments = '/api/v1/identity/departments';

export const identityApi = {
  listUsers: (query: UserQuery) => page<User>(users, query),
  createUser: (body: CreateUserBody) => request<User>(users, { method: 'POST', body }),
  updateUser: (id: string, body: UpdateUserBody) =>
    request<User>(`${users}/${id}`, { method: 'PATCH', body }),
  deleteUser: (id: string) => request<unknown>(`${users}/${id}`, { method: 'DELETE' }),
  resetPassword: (id: string) =>
    request<{ password: string }>(`${users}/${id}/reset-password`, { method: 'POST', body: {} }),
  unlockUser: (id: string) => request<User>(`${users}/${id}/unlock`, { method: 'POST' }),

  listRoles: (query: { page: number; size: number; keyword?: string }) => page<Role>(roles, query),
  allRoles: () => all<Role>(roles),
  createRole: (body: CreateRoleBody) => request<Role>(roles, { method: 'POST', body }),
  updateRole: (id: string, body: UpdateRoleBody) =>
    request<Role>(`${roles}/${id}`, { method: 'PATCH', body }),
  deleteRole: (id: string) => request<unknown>(`${roles}/${id}`, { method: 'DELETE' }),
  permissions: () => request<Permission[]>('/api/v1/identity/permissions'),

  allDepartments: () => all<Department>(departments),
  createDepartment: (body: CreateDepartmentBody) =>
    request<Department>(departments, { method: 'POST', body }),
  updateDepartment: (id: string, body: CreateDepartmentBody) =>
    request<Department>(`${departments}/${id}`, { method: 'PATCH', body }),
  deleteDepartment: (id: string) => request<unknown>(`${departments}/${id}`, { method: 'DELETE' }),
};
