// The roles page's table columns and the permission tree: module → resource → operation,
// built from GET /identity/permissions and labelled through locale keys with the code as
// the fallback, so a module added later shows up without a console change.
import { grants } from '@/utils/permissions';
import type { TableColumnType } from 'ant-design-vue';
import type { SearchField } from '@/components/list/search';
import type { DataScope, Permission, Role } from '../api';

export const DATA_SCOPES: readonly DataScope[] = ['all', 'department', 'own', 'tenant'];

export interface PermissionNode {
  key: string;
  /** What kind of label to look up: `module`, `resource` or `operation`. */
  level: 'module' | 'resource' | 'operation';
  name: string;
  children?: PermissionNode[];
}

const MODULE_PREFIX = 'module:';
/** Operations in reading order; others follow alphabetically. */
const OPERATION_ORDER = ['read', 'create', 'update', 'delete'];
const operationRank = (op: string): number => {
  const i = OPERATION_ORDER.indexOf(op);
  return i === -1 ? OPERATION_ORDER.length : i;
};
const RESOURCE_PREFIX = 'resource:';

export function buildPermissionTree(list: readonly Permission[]): PermissionNode[] {
  const modules = new Map<string, Map<string, Permission[]>>();
  for (const p of list) {
    const resources = modules.get(p.module) ?? new Map<string, Permission[]>();
    resources.set(p.resource, [...(resources.get(p.resource) ?? []), p]);
    modules.set(p.module, resources);
  }
  return [...modules.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([module, resources]) => ({
      key: `${MODULE_PREFIX}${module}`,
      level: 'module' as const,
      name: module,
      children: [...resources.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([resource, ops]) => ({
          key: `${RESOURCE_PREFIX}${module}:${resource}`,
          level: 'resource' as const,
          name: resource,
          children: [...ops]
            .sort(
              (a, b) =>
                operationRank(a.operation) - operationRank(b.operation) ||
                a.operation.localeCompare(b.operation),
            )
            .map((p) => ({ key: p.code, level: 'operation' as const, name: p.operation })),
        })),
    }));
}

/** The tree's checked leaves for a role's patterns (`*` and `module:*` check every code they grant). */
export function checkedCodes(patterns: readonly string[], list: readonly Permission[]): string[] {
  return list.filter((p) => grants(patterns, p.code)).map((p) => p.code);
}

/** The permission codes among a tree's checked keys (module and resource nodes left out). */
export function codesOfCheckedKeys(
  keys: readonly (string | number)[],
  list: readonly Permission[],
): string[] {
  const known = new Set(list.map((p) => p.code));
  return keys.map(String).filter((k) => known.has(k));
}

export const roleSearch: SearchField[] = [
  {
    type: 'text',
    key: 'keyword',
    label: 'identity.role.fields.name',
    placeholder: 'identity.role.keywordHint',
  },
];

export function roleColumns(t: (key: string) => string): TableColumnType<Role>[] {
  return [
    { title: t('identity.role.fields.name'), dataIndex: 'name', key: 'name', sorter: true },
    { title: t('identity.role.fields.code'), dataIndex: 'code', key: 'code', sorter: true },
    { title: t('identity.role.fields.userType'), key: 'userType' },
    { title: t('identity.role.fields.dataScope'), key: 'dataScope' },
    { title: t('identity.role.permissionCount'), key: 'permissions' },
    { title: t('identity.role.fields.requiresMfa'), key: 'requiresMfa' },
    { title: t('identity.actions.title'), key: 'actions', width: 160 },
  ];
}
