import { describe, expect, it } from 'vitest';
import type { Permission } from '../api';
import { buildPermissionTree, checkedCodes, codesOfCheckedKeys } from './data';

const perm = (code: string): Permission => {
  const [module = '', resource = '', operation = ''] = code.split(':');
  return { code, module, resource, operation };
};

const list = [
  'identity:user:read',
  'identity:user:create',
  'identity:role:read',
  'audit:login:read',
  'audit:login:export',
].map(perm);

describe('permission tree', () => {
  it('groups codes by module, then resource, then operation (read first)', () => {
    const tree = buildPermissionTree(list);
    expect(tree.map((m) => m.name)).toEqual(['audit', 'identity']);
    const identity = tree[1];
    expect(identity?.children?.map((r) => r.name)).toEqual(['role', 'user']);
    expect(identity?.children?.[1]?.children?.map((o) => [o.key, o.level])).toEqual([
      ['identity:user:read', 'operation'],
      ['identity:user:create', 'operation'],
    ]);
  });

  it('checks every code a pattern grants', () => {
    expect(checkedCodes(['*'], list)).toHaveLength(5);
    expect(checkedCodes(['audit:*', 'identity:role:read'], list)).toEqual([
      'identity:role:read',
      'audit:login:read',
      'audit:login:export',
    ]);
  });

  it('keeps only permission codes from the checked keys', () => {
    const tree = buildPermissionTree(list);
    const moduleKey = tree[0]?.key ?? '';
    const resourceKey = tree[0]?.children?.[0]?.key ?? '';
    expect(
      codesOfCheckedKeys([moduleKey, resourceKey, 'audit:login:read', 'audit:login:export'], list),
    ).toEqual(['audit:login:read', 'audit:login:export']);
  });
});
