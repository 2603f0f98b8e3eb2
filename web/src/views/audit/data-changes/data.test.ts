import { describe, expect, it } from 'vitest';
import { diffRows } from './data';

describe('data-change diff', () => {
  it('lists every field on either side and marks the changed ones', () => {
    const rows = diffRows(
      { name: 'Ops', sort: 1, parentId: null },
      { name: 'Operations', sort: 1, extra: [1] },
    );
    expect(rows).toEqual([
      { field: 'extra', before: '', after: '[1]', changed: true },
      { field: 'name', before: 'Ops', after: 'Operations', changed: true },
      { field: 'parentId', before: 'null', after: '', changed: true },
      { field: 'sort', before: '1', after: '1', changed: false },
    ]);
  });

  it('shows a created object as all additions and a deleted one as all removals', () => {
    expect(diffRows(null, { a: 'x' })).toEqual([{ field: 'a', before: '', after: 'x', changed: true }]);
    expect(diffRows({ a: 'x' }, null)).toEqual([{ field: 'a', before: 'x', after: '', changed: true }]);
  });

  it('compares nested values as JSON', () => {
    const rows = diffRows({ roles: ['a', 'b'] }, { roles: ['a', 'b'] });
    expect(rows).toEqual([{ field: 'roles', before: '["a","b"]', after: '["a","b"]', changed: false }]);
  });

  it('shows a non-object value as one row', () => {
    expect(diffRows('on', 'off')).toEqual([{ field: '', before: 'on', after: 'off', changed: true }]);
  });
});
