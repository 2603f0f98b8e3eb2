// Departments come flat from the API (each with parentId); the page and the pickers show
// them as a tree.
import type { Department } from '../api';

export interface DepartmentNode {
  key: string;
  value: string;
  title: string;
  department: Department;
  children?: DepartmentNode[];
}

/**
 * Builds the tree from the flat list: children under their parent, ordered by `sort` then
 * name; a department whose parent is missing is shown at the top level rather than lost.
 */
export function buildDepartmentTree(list: readonly Department[]): DepartmentNode[] {
  const ids = new Set(list.map((d) => d.id));
  const byParent = new Map<string | null, Department[]>();
  for (const d of list) {
    const parent = d.parentId !== null && ids.has(d.parentId) ? d.parentId : null;
    byParent.set(parent, [...(byParent.get(parent) ?? []), d]);
  }
  const build = (parent: string | null, seen: ReadonlySet<string>): DepartmentNode[] =>
    [...(byParent.get(parent) ?? [])]
      .sort((a, b) => a.sort - b.sort || a.name.localeCompare(b.name))
      .filter((d) => !seen.has(d.id))
      .map((d) => {
        const children = build(d.id, new Set([...seen, d.id]));
        return {
          key: d.id,
          value: d.id,
          title: d.name,
          department: d,
          ...(children.length > 0 ? { children } : {}),
        };
      });
  return build(null, new Set());
}

/** The ids of a department and everything below it (a department cannot move under itself). */
export function descendantIds(list: readonly Department[], id: string): Set<string> {
  const out = new Set([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const d of list) {
      if (d.parentId !== null && out.has(d.parentId) && !out.has(d.id)) {
        out.add(d.id);
        grew = true;
      }
    }
  }
  return out;
}
