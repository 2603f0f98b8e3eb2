// Every error code and field reason of the identity module, with its text in both languages
// (docs/errors.md is generated from these catalogues: `npm run gen:errors`).
import { defineError, defineReason } from '../../platform/http/errors.js';

export const AuthErrors = {
  invalidCredentials: defineError(
    'INVALID_CREDENTIALS',
    401,
    'Wrong username or password',
    '用户名或密码错误',
  ),
  accountLocked: defineError(
    'ACCOUNT_LOCKED',
    401,
    'Too many failed sign-ins; the account is locked for {retryAfter} more seconds',
    '登录失败次数过多，账号已锁定，请 {retryAfter} 秒后再试',
  ),
  accountDisabled: defineError('ACCOUNT_DISABLED', 401, 'This account is disabled', '该账号已被停用'),
  invalidMfaCode: defineError(
    'INVALID_MFA_CODE',
    401,
    'The verification code is wrong or expired',
    '验证码错误或已过期',
  ),
  mfaTokenInvalid: defineError(
    'MFA_TOKEN_INVALID',
    401,
    'The sign-in step has expired; sign in again',
    '登录步骤已过期，请重新登录',
  ),
  invalidRefresh: defineError(
    'INVALID_REFRESH_TOKEN',
    401,
    'The session has ended; sign in again',
    '会话已结束，请重新登录',
  ),
  refreshReused: defineError(
    'REFRESH_TOKEN_REUSED',
    401,
    'This session was signed out because an old token was reused; sign in again',
    '检测到旧令牌被重复使用，该会话已被注销，请重新登录',
  ),
  tokenInvalid: defineError(
    'TOKEN_INVALID',
    401,
    'The access token is invalid or expired',
    '访问令牌无效或已过期',
  ),
  sessionRevoked: defineError('SESSION_REVOKED', 401, 'This session has been signed out', '该会话已被注销'),
  apiKeyInvalid: defineError(
    'API_KEY_INVALID',
    401,
    'The API key is invalid, revoked or expired',
    'API 密钥无效、已吊销或已过期',
  ),
  apiKeyRequired: defineError(
    'API_KEY_REQUIRED',
    401,
    'An API key is required (X-API-Key header)',
    '需要提供 API 密钥（X-API-Key 请求头）',
  ),
  apiKeyIpDenied: defineError(
    'API_KEY_IP_DENIED',
    403,
    'This API key may not be used from {ip}',
    '该 API 密钥不允许从 {ip} 使用',
  ),
  mfaSetupRequired: defineError(
    'MFA_SETUP_REQUIRED',
    403,
    'Your role requires two-factor authentication; set it up in your profile first',
    '您的角色要求启用双因素认证，请先在个人资料中完成设置',
  ),
  mfaAlreadyEnabled: defineError(
    'MFA_ALREADY_ENABLED',
    409,
    'Two-factor authentication is already on',
    '双因素认证已启用',
  ),
  mfaNotEnabled: defineError(
    'MFA_NOT_ENABLED',
    409,
    'Two-factor authentication is not on',
    '双因素认证未启用',
  ),
  mfaNotStarted: defineError(
    'MFA_SETUP_NOT_STARTED',
    409,
    'Start the two-factor setup first',
    '请先开始双因素认证设置',
  ),
  wrongPassword: defineError('WRONG_PASSWORD', 422, 'The current password is wrong', '当前密码错误'),
  resetTokenInvalid: defineError(
    'RESET_TOKEN_INVALID',
    422,
    'The reset link is invalid or has expired',
    '重置链接无效或已过期',
  ),
  sessionNotFound: defineError('SESSION_NOT_FOUND', 404, 'Session not found', '会话不存在'),
};

export const UserErrors = {
  userNotFound: defineError('USER_NOT_FOUND', 404, 'User not found', '用户不存在'),
  usernameTaken: defineError(
    'USERNAME_TAKEN',
    409,
    'The username "{username}" is already taken',
    '用户名“{username}”已被使用',
  ),
  cannotDeleteSelf: defineError(
    'CANNOT_DELETE_SELF',
    409,
    'You cannot delete or disable your own account',
    '不能删除或停用自己的账号',
  ),
  lastAdmin: defineError(
    'LAST_PLATFORM_ADMIN',
    409,
    'The last active platform admin cannot be removed',
    '不能移除最后一个有效的平台管理员',
  ),
  roleNotFound: defineError('ROLE_NOT_FOUND', 404, 'Role not found', '角色不存在'),
  roleCodeTaken: defineError(
    'ROLE_CODE_TAKEN',
    409,
    'The role code "{code}" is already taken',
    '角色编码“{code}”已被使用',
  ),
  roleBuiltin: defineError(
    'ROLE_BUILTIN',
    409,
    'Built-in roles keep their permissions; only name, description and the MFA requirement can change',
    '内置角色的权限不可修改，只能修改名称、描述和 MFA 要求',
  ),
  roleInUse: defineError(
    'ROLE_IN_USE',
    409,
    'The role is assigned to {count} user(s)',
    '该角色仍分配给 {count} 个用户',
  ),
  departmentNotFound: defineError('DEPARTMENT_NOT_FOUND', 404, 'Department not found', '部门不存在'),
  departmentNotEmpty: defineError(
    'DEPARTMENT_NOT_EMPTY',
    409,
    'The department still has {children} sub-department(s) and {users} user(s)',
    '该部门下仍有 {children} 个子部门和 {users} 个用户',
  ),
};

export const UserReasons = {
  roleUserType: defineReason(
    'role_user_type_mismatch',
    'includes a role for another kind of user',
    '包含不适用于该用户类型的角色',
  ),
  unknownRole: defineReason('unknown_role', 'includes an unknown role', '包含不存在的角色'),
  unknownPermission: defineReason(
    'unknown_permission',
    'includes an unknown permission: {value}',
    '包含未知权限：{value}',
  ),
  enterpriseRequired: defineReason(
    'enterprise_required',
    'is required for customer users',
    '客户用户必须指定所属企业',
  ),
  enterpriseNotFound: defineReason('enterprise_not_found', 'does not exist', '不存在'),
  staffNoEnterprise: defineReason(
    'staff_has_no_enterprise',
    'must be empty for staff users',
    '员工用户不能指定企业',
  ),
  departmentCycle: defineReason(
    'department_cycle',
    'would make the department its own ancestor',
    '会导致部门成为自己的上级',
  ),
};

export const ApiKeyErrors = {
  notFound: defineError('API_KEY_NOT_FOUND', 404, 'API key not found', 'API 密钥不存在'),
  alreadyRevoked: defineError(
    'API_KEY_ALREADY_REVOKED',
    409,
    'The API key is already revoked',
    '该 API 密钥已被吊销',
  ),
};

export const ApiKeyReasons = {
  ownerNotFound: defineReason('owner_not_found', 'does not exist or is not yours', '不存在或不属于您'),
  badIp: defineReason(
    'invalid_ip',
    'must be IP addresses or CIDR ranges: {value}',
    '必须是 IP 地址或 CIDR 网段：{value}',
  ),
  badScope: defineReason('invalid_scope', 'must be among: {values}', '必须是以下值之一：{values}'),
  pastExpiry: defineReason('expiry_in_past', 'must be in the future', '必须是将来的时间'),
};

/** The password policy's minimum length (passwords.ts); here because its reason names it. */
export const PASSWORD_MIN_LENGTH = 8;

export const PasswordReasons = {
  tooShort: defineReason(
    'password_too_short',
    `must be at least ${PASSWORD_MIN_LENGTH} characters`,
    `长度不能少于 ${PASSWORD_MIN_LENGTH} 个字符`,
  ),
  tooLong: defineReason('password_too_long', 'must be at most 128 characters', '长度不能超过 128 个字符'),
  needsMix: defineReason(
    'password_needs_letter_and_digit',
    'must contain at least one letter and one digit',
    '必须同时包含字母和数字',
  ),
  sameAsUsername: defineReason(
    'password_same_as_username',
    'must not contain the username',
    '不能包含用户名',
  ),
};
