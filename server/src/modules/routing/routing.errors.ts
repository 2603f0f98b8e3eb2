// Every error code and field reason of the routing module, with its text in both languages
// (docs/errors.md is generated from these catalogues: `npm run gen:errors`).
import { defineError, defineReason } from '../../platform/http/errors.js';

export const RoutingErrors = {
  ruleNotFound: defineError('ROUTE_RULE_NOT_FOUND', 404, 'Route rule not found', '路由规则不存在'),
  accountNotFound: defineError(
    'SENDING_ACCOUNT_NOT_FOUND',
    404,
    'Sending account not found',
    '发送账号不存在',
  ),
};

export const RoutingReasons = {
  invalidRule: defineReason('invalid_rule', 'is invalid: {detail}', '无效：{detail}'),
  unknownProvider: defineReason(
    'unknown_provider',
    'names a provider that does not exist: {value}',
    '包含不存在的服务商：{value}',
  ),
  orderMismatch: defineReason(
    'order_mismatch',
    'must list every rule exactly once',
    '必须恰好列出每条规则一次',
  ),
};
