// The database's table types. Each module adds its own tables by declaration merging in
// `modules/<module>/<module>.tables.ts`:
//   declare module '../../platform/db/schema.js' { interface Database { users: UsersTable } }
// Conventions (ARCHITECTURE §5): ids are UUIDv7 text; times are UTC ISO-8601 text;
// booleans are integers 0/1; money is integer micro-units; JSON is text.

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- extended by declaration merging
export interface Database {}

/** 0 or 1: how booleans are stored on both dialects. */
export type Flag = 0 | 1;

export const flag = (b: boolean): Flag => (b ? 1 : 0);
