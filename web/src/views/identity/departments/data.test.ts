import { describe, expect, it } from 'vitest';
import type { Department } from '../api';
import { buildDepartmentTree, descendantIds } from './data';

const dept = (id: string, name: string, parentId: string | null, sort = 0): Department => ({
  id,
  name,
  parentId,
  sort,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

const titles = (nodes: ReturnType<typeof buildDepartmentTree>): unknown[] =>
  nodes.map((n) => (n.children ? [n.title, titles(n.children)] : n.title));

describe('department tree', () => {
  it('nests departments under their parents, ordered by sort then name', () => {
    const tree = buildDepartmentTree([
      dept('c', 'Sales East', 'b', 2),
      dept('b', 'Sales', null, 1),
      dept('a', 'Engineering', null, 0),
      dept('d', 'Sales North', 'b', 1),
      dept('e', 'Backend', 'a'),
    ]);
    expect(titles(tree)).toEqual([
      ['Engineering', ['Backend']],
      ['Sales', ['Sales North', 'Sales East']],
    ]);
  });

  it('shows a department whose parent is missing at the top level', () => {
    expect(titles(buildDepartmentTree([dept('x', 'Orphan', 'gone')]))).toEqual(['Orphan']);
  });

  it('finds a department and everything below it', () => {
    const list = [dept('a', 'A', null), dept('b', 'B', 'a'), dept('c', 'C', 'b'), dept('d', 'D', null)];
    expect([...descendantIds(list, 'a')].sort()).toEqual(['a', 'b', 'c']);
    expect([...descendantIds(list, 'd')]).toEqual(['d']);
  });
});
