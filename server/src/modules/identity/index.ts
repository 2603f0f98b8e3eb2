// The identity module's public face (ARCHITECTURE §2a): the only file other modules and app.ts
// import from identity. Users, roles, departments, sessions, MFA, API keys (ID-1…ID-4, ID-6…ID-8).
export { AuthService, type ClientInfo, type TokenPair } from './auth.service.js';
export {
  UserService,
  type DepartmentView,
  type EnterpriseLookup,
  type RoleView,
  type UserView,
} from './users.service.js';
export { ApiKeyService, type ApiKeyView, type OwnerLookup } from './api-keys.service.js';
export { jwtSecret, registerIdentityModule, type Identity } from './identity.module.js';
export { blockListOf, isValidIpOrCidr } from './auth.service.js';
export { hashPassword, verifyPassword } from './passwords.js';
export { ApiKeySchema, CreatedApiKeySchema } from './identity.schemas.js';
export type { ApiKeyOwnerType, DataScope, UserType } from './identity.tables.js';
export {
  PASSWORD_RESET_REQUESTED,
  sendPasswordResetMail,
  type PasswordResetRequested,
} from './password-reset-mail.js';
