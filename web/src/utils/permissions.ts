// Permission codes are `module:resource:operation`; a user's roles grant patterns: an exact
// code, a prefix ending in `:*` (`customers:*`, `identity:api-key:*`) or `*` for everything.
// The same rule as the server's `grants` (server/src/platform/auth/permissions.ts), which
// remains the authority: the console only hides what the server would refuse.

export function grants(granted: readonly string[], required: string): boolean {
  for (const pattern of granted) {
    if (pattern === '*' || pattern === required) {
      return true;
    }
    if (pattern.endsWith(':*') && required.startsWith(pattern.slice(0, -1))) {
      return true;
    }
  }
  return false;
}
