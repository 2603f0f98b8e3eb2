// Permission codes are `module:resource:operation` (ID-3), declared on the routes that need
// them (`config: { permission }`). The registry collects them as routes register, so the
// full list is generated from the route table, never hand-maintained. Granted patterns may
// end in `*` (`customers:*`, `*`).

/** Marks a route that any authenticated caller may use (own profile, own sessions). */
export const SELF = 'self';

export interface PermissionInfo {
  code: string;
  module: string;
  resource: string;
  operation: string;
}

const PERMISSION_PATTERN = /^[a-z][a-z0-9-]*:[a-z][a-z0-9-]*:[a-z][a-z0-9-]*$/;

export function isPermissionCode(code: string): boolean {
  return PERMISSION_PATTERN.test(code);
}

export class PermissionRegistry {
  private readonly codes = new Set<string>();

  add(code: string): void {
    if (code === SELF) {
      return;
    }
    if (!isPermissionCode(code)) {
      throw new Error(`invalid permission code "${code}": expected module:resource:operation`);
    }
    this.codes.add(code);
  }

  has(code: string): boolean {
    return this.codes.has(code);
  }

  list(): PermissionInfo[] {
    return [...this.codes].sort().map((code) => {
      const [module = '', resource = '', operation = ''] = code.split(':');
      return { code, module, resource, operation };
    });
  }
}

/** True when one of the granted patterns covers the required code. */
export function grants(granted: readonly string[], required: string): boolean {
  if (required === SELF) {
    return true;
  }
  for (const g of granted) {
    if (g === '*' || g === required) {
      return true;
    }
    if (g.endsWith(':*') && required.startsWith(g.slice(0, -1))) {
      return true;
    }
  }
  return false;
}

/** Expands granted patterns against the known codes (for the console's permission tree). */
export function expand(granted: readonly string[], known: readonly string[]): string[] {
  return known.filter((code) => grants(granted, code));
}

/** A pattern is valid when it is `*`, a known-shaped code, or a code prefix ending in `:*`. */
export function isPermissionPattern(p: string): boolean {
  return p === '*' || isPermissionCode(p) || /^[a-z][a-z0-9-]*(:[a-z][a-z0-9-]*)?:\*$/.test(p);
}
