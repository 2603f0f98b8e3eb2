// Every error code and field reason of the billing module, with its text in both languages
// (docs/errors.md is generated from these catalogues: `npm run gen:errors`).
import { defineError, defineReason } from '../../platform/http/errors.js';

export const LedgerErrors = {
  insufficientBalance: defineError(
    'INSUFFICIENT_BALANCE',
    402,
    'The balance and credit limit are not enough: {required} needed, {available} available',
    '余额与信用额度不足：需要 {required}，可用 {available}',
  ),
  enterpriseNotFound: defineError('ENTERPRISE_NOT_FOUND', 404, 'Enterprise not found', '企业不存在'),
  alreadyCharged: defineError('ALREADY_CHARGED', 409, 'This object is already charged', '该对象已计费'),
  alreadyReserved: defineError(
    'ALREADY_RESERVED',
    409,
    'This object already holds a reservation',
    '该对象已有预留金额',
  ),
};

export const LedgerReasons = {
  notPositive: defineReason('not_positive', 'must be greater than zero', '必须大于零'),
  notZero: defineReason('zero', 'must not be zero', '不能为零'),
  notSafe: defineReason('not_integer_micro', 'must be a whole number of micro-units', '必须是整数微单位'),
};

export const RateErrors = {
  noPrice: defineError(
    'NO_PRICE',
    422,
    'No price for {channel} to {country} in the rate card of this account',
    '该账号的费率表中没有 {channel} 发往 {country} 的价格',
  ),
  planNotFound: defineError('PRICE_PLAN_NOT_FOUND', 404, 'Price plan not found', '价格方案不存在'),
  priceNotFound: defineError('PRICE_NOT_FOUND', 404, 'Price not found', '价格不存在'),
  planInUse: defineError(
    'PRICE_PLAN_IN_USE',
    409,
    'The price plan is assigned to enterprises or is the default plan',
    '该价格方案已分配给企业或为默认方案',
  ),
  duplicatePlan: defineError(
    'PRICE_PLAN_EXISTS',
    409,
    'A price plan with this name exists',
    '同名价格方案已存在',
  ),
  duplicatePrice: defineError(
    'PRICE_EXISTS',
    409,
    'A price for this channel, country and network prefix exists',
    '该渠道、国家和号段的价格已存在',
  ),
  accountNotFound: defineError(
    'SENDING_ACCOUNT_NOT_FOUND',
    404,
    'Sending account not found',
    '发送账号不存在',
  ),
};

export const RateReasons = {
  currencyMismatch: defineReason(
    'currency_mismatch',
    "must be in the enterprise's currency ({currency})",
    '必须使用企业的币种（{currency}）',
  ),
  badCountry: defineReason(
    'invalid_country',
    'must be an ISO 3166 alpha-2 code',
    '必须是 ISO 3166 二位国家代码',
  ),
  badPrefix: defineReason('invalid_prefix', 'must be digits only', '只能包含数字'),
  badPrice: defineReason(
    'invalid_price',
    'must be a non-negative decimal with at most 6 places',
    '必须是最多 6 位小数的非负数',
  ),
  badChannel: defineReason('invalid_channel', 'must be one of: {values}', '必须是以下值之一：{values}'),
  badColumns: defineReason(
    'invalid_columns',
    'must have 4 columns: channel,country,network_prefix,price',
    '必须有 4 列：channel,country,network_prefix,price',
  ),
  badHeader: defineReason(
    'invalid_header',
    'the first line must be: channel,country,network_prefix,price',
    '第一行必须是：channel,country,network_prefix,price',
  ),
  duplicateRow: defineReason('duplicate_row', 'repeats line {line}', '与第 {line} 行重复'),
  empty: defineReason('empty_file', 'has no price rows', '没有价格行'),
};

export const QuotaErrors = {
  exceeded: defineError(
    'QUOTA_EXCEEDED',
    402,
    'The {channel} quota of this sending account is used up: {remaining} left, {requested} asked',
    '该发送账号的 {channel} 配额已用尽：剩余 {remaining}，请求 {requested}',
  ),
  notFound: defineError('QUOTA_NOT_FOUND', 404, 'Quota not found', '配额不存在'),
  exists: defineError(
    'QUOTA_EXISTS',
    409,
    'This sending account already has a quota for this channel',
    '该发送账号在此渠道已有配额',
  ),
};

export const QuotaReasons = {
  notCount: defineReason('invalid_count', 'must be a whole number ≥ 0', '必须是大于等于 0 的整数'),
};

export const BillErrors = {
  notFound: defineError('BILL_NOT_FOUND', 404, 'Bill not found', '账单不存在'),
};

export const BillReasons = {
  badPeriod: defineReason('invalid_period', 'must not be before the start date', '不能早于开始日期'),
};

export const ProfitReasons = {
  badPeriod: defineReason('invalid_period', 'must not be before the start date', '不能早于开始日期'),
  badTimeZone: defineReason('invalid_timezone', 'is not a known time zone', '不是有效的时区'),
  tooLong: defineReason(
    'range_too_long',
    'must be at most {max} days before the end date',
    '与结束日期相隔不能超过 {max} 天',
  ),
};
