// The identity module's endpoints as the console pages call them. Types come from the
// generated OpenAPI schema (api/schema.d.ts), so a server change shows up at compile time.
import { client, unwrap, unwrapPage, type ApiBody, type ApiItem, type ApiQuery } from '@/api/client';
export type { Page } from '@/api/types';

export type User = ApiItem<'/api/v1/identity/users'>;
export type CreateUserBody = ApiBody<'/api/v1/identity/users', 'post'>;
export type UpdateUserBody = ApiBody<'/api/v1/identity/users/{id}', 'patch'>;
export type UserQuery = ApiQuery<'/api/v1/identity/users'>;
export type Role = ApiItem<'/api/v1/identity/roles'>;
export type CreateRoleBody = ApiBody<'/api/v1/identity/roles', 'post'>;
export type UpdateRoleBody = ApiBody<'/api/v1/identity/roles/{id}', 'patch'>;
export type Department = ApiItem<'/api/v1/identity/departments'>;
export type CreateDepartmentBody = ApiBody<'/api/v1/identity/departments', 'post'>;
export type Permission = ApiItem<'/api/v1/identity/permissions'>;
export type UserStatus = User['status'];
export type UserType = User['userType'];
export type DataScope = Role['dataScope'];

/** Every page of a list whose size limit is 100 (roles, departments for pickers and trees). */
async function all<T>(fetchPage: (page: number) => Promise<{ items: T[]; pagination: { pages: number } }>) {
  const out: T[] = [];
  for (let p = 1; ; p++) {
    const { items, pagination } = await fetchPage(p);
    out.push(...items);
    if (p >= pagination.pages || items.length === 0) {
      return out;
    }
  }
}

const id = (value: string) => ({ params: { path: { id: value } } });

export const identityApi = {
  listUsers: (query: UserQuery) => unwrapPage(client.GET('/api/v1/identity/users', { params: { query } })),
  createUser: (body: CreateUserBody) => unwrap(client.POST('/api/v1/identity/users', { body })),
  updateUser: (value: string, body: UpdateUserBody) =>
    unwrap(client.PATCH('/api/v1/identity/users/{id}', { ...id(value), body })),
  deleteUser: (value: string) => unwrap(client.DELETE('/api/v1/identity/users/{id}', id(value))),
  resetPassword: (value: string) =>
    unwrap(client.POST('/api/v1/identity/users/{id}/reset-password', { ...id(value), body: {} })),
  unlockUser: (value: string) => unwrap(client.POST('/api/v1/identity/users/{id}/unlock', id(value))),

  listRoles: (query: ApiQuery<'/api/v1/identity/roles'>) =>
    unwrapPage(client.GET('/api/v1/identity/roles', { params: { query } })),
  allRoles: () => all((page) => identityApi.listRoles({ page, size: 100 })),
  createRole: (body: CreateRoleBody) => unwrap(client.POST('/api/v1/identity/roles', { body })),
  updateRole: (value: string, body: UpdateRoleBody) =>
    unwrap(client.PATCH('/api/v1/identity/roles/{id}', { ...id(value), body })),
  deleteRole: (value: string) => unwrap(client.DELETE('/api/v1/identity/roles/{id}', id(value))),
  permissions: () => unwrap(client.GET('/api/v1/identity/permissions')),

  allDepartments: () =>
    all((page) =>
      unwrapPage(client.GET('/api/v1/identity/departments', { params: { query: { page, size: 100 } } })),
    ),
  createDepartment: (body: CreateDepartmentBody) =>
    unwrap(client.POST('/api/v1/identity/departments', { body })),
  updateDepartment: (value: string, body: CreateDepartmentBody) =>
    unwrap(client.PATCH('/api/v1/identity/departments/{id}', { ...id(value), body })),
  deleteDepartment: (value: string) => unwrap(client.DELETE('/api/v1/identity/departments/{id}', id(value))),
};
