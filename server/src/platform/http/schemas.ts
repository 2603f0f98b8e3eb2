// Schema pieces shared by every module's routes.
import { Type, type TSchema } from 'typebox';

export const Uuid = Type.String({ format: 'uuid', description: 'UUIDv7 id' });
export const IdParams = Type.Object({ id: Uuid });
export const Timestamp = Type.String({ format: 'date-time' });
export const Nullable = <T extends TSchema>(s: T) => Type.Union([s, Type.Null()]);
export const Empty = Type.Null();
/** Success body of a delete or a command with nothing to return. */
export const Done = Type.Object({ done: Type.Boolean() });
