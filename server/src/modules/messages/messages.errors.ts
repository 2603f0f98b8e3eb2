// Every error code and field reason of the messages module, with its text in both languages
// (docs/errors.md is generated from these catalogues: `npm run gen:errors`).
import { defineError, defineReason } from '../../platform/http/errors.js';

export const MessagesErrors = {
  accountNotFound: defineError(
    'SENDING_ACCOUNT_NOT_FOUND',
    404,
    'Sending account not found',
    '发送账号不存在',
  ),
  accountSuspended: defineError(
    'ACCOUNT_SUSPENDED',
    403,
    'This sending account or its enterprise is suspended',
    '该发送账号或其企业已被停用',
  ),
  backlogFull: defineError(
    'BACKLOG_FULL',
    503,
    'The delivery backlog is full; retry in {retryAfter} s',
    '投递积压已满，请 {retryAfter} 秒后重试',
  ),
  throttled: defineError(
    'THROTTLED',
    429,
    'This sending account is over its rate of {tps} messages per second; retry in {retryAfter} s',
    '该发送账号超过每秒 {tps} 条的速率限制，请 {retryAfter} 秒后重试',
  ),
  idempotencyReused: defineError(
    'IDEMPOTENCY_KEY_REUSED',
    409,
    'This Idempotency-Key was used with a different request',
    '该 Idempotency-Key 已用于另一个不同的请求',
  ),
  messageNotFound: defineError('MESSAGE_NOT_FOUND', 404, 'Message not found', '消息不存在'),
  notCancelable: defineError(
    'MESSAGE_NOT_CANCELABLE',
    409,
    'A message in state {status} can no longer be canceled',
    '状态为 {status} 的消息已无法取消',
  ),
  // Codes of per-item rejections (the text a single send answers with).
  dailyLimit: defineError(
    'DAILY_LIMIT_EXCEEDED',
    429,
    'The daily limit of {limit} messages of this sending account is reached',
    '该发送账号已达到每日 {limit} 条的发送上限',
  ),
  noRoute: defineError(
    'NO_ROUTE',
    422,
    'No provider can take this message now ({detail})',
    '当前没有可承接该消息的通道（{detail}）',
  ),
  channelNotAllowed: defineError(
    'CHANNEL_NOT_ALLOWED',
    422,
    'This sending account may not send {channel} messages',
    '该发送账号不允许发送 {channel} 消息',
  ),
  senderNotAllowed: defineError(
    'SENDER_NOT_ALLOWED',
    422,
    'The sender {sender} is not approved for this enterprise',
    '发送方 {sender} 未获批准用于该企业',
  ),
};

export const MessagesReasons = {
  /** Defined by the platform's validation messages. */
  required: 'required',
  invalidDate: defineReason(
    'invalid_date',
    'is not a valid ISO-8601 date and time',
    '不是有效的 ISO-8601 日期时间',
  ),
  sendAtTooFar: defineReason('send_at_too_far', 'may be at most 30 days ahead', '最多可提前 30 天'),
  channelNotAllowed: defineReason(
    'channel_not_allowed',
    'is not allowed for this sending account',
    '该发送账号不允许此渠道',
  ),
  senderNotApproved: defineReason(
    'sender_not_approved',
    'is not an approved sender of this enterprise',
    '不是该企业已批准的发送方',
  ),
  noRoute: defineReason('no_route', 'has no provider that can take it now', '当前没有可承接的通道'),
  noPrice: defineReason(
    'no_price',
    'has no price in the rate card of this account',
    '在该账号的费率表中没有价格',
  ),
  insufficientBalance: defineReason(
    'insufficient_balance',
    'cannot be paid: the balance is not enough',
    '余额不足，无法支付',
  ),
  quotaExceeded: defineReason(
    'quota_exceeded',
    'exceeds the quota of this sending account',
    '超出该发送账号的配额',
  ),
  dailyLimit: defineReason(
    'daily_limit_exceeded',
    'exceeds the daily limit of this sending account',
    '超出该发送账号的每日上限',
  ),
  senderRule: defineReason('invalid_sender', 'is not a valid sender: {detail}', '不是有效的发送方：{detail}'),
};

export const ValidationReasons = {
  invalidNumber: defineReason(
    'invalid_number',
    'is not a valid phone number in international format (E.164, e.g. +447912345678)',
    '不是有效的国际格式手机号码（E.164，例如 +8613800138000）',
  ),
  countryNotAllowed: defineReason(
    'country_not_allowed',
    'is in {country}, which this sending account may not send to',
    '属于 {country}，该发送账号不允许发送到此国家/地区',
  ),
  invalidEmail: defineReason('invalid_email', 'must be an e-mail address', '必须是电子邮件地址'),
  emptyText: defineReason('empty_text', 'must not be empty', '不能为空'),
  tooManyParts: defineReason(
    'too_many_parts',
    'needs {segments} SMS parts ({encoding}); this account allows at most {max}',
    '需要 {segments} 条短信分段（{encoding}），该账号最多允许 {max} 段',
  ),
};

export const InboxErrors = {
  keywordNotFound: defineError('INBOX_KEYWORD_NOT_FOUND', 404, 'Keyword not found', '关键词不存在'),
  keywordTaken: defineError(
    'INBOX_KEYWORD_TAKEN',
    409,
    'This keyword is already claimed',
    '该关键词已被占用',
  ),
};

export const InboxReasons = {
  optOutKeyword: defineReason('keyword_is_opt_out', 'is an opt-out or opt-in keyword', '是退订或订阅关键词'),
  accountMismatch: defineReason(
    'sending_account_not_in_enterprise',
    'is not a sending account of this enterprise',
    '不是该企业的发送账号',
  ),
};

export const ProviderHookErrors = {
  unknownProvider: defineError(
    'HOOK_PROVIDER_NOT_FOUND',
    404,
    'No HTTP provider with callbacks enabled has this id',
    '没有启用回调的该 HTTP 服务商',
  ),
  badToken: defineError(
    'HOOK_TOKEN_INVALID',
    401,
    'The callback token is missing or wrong',
    '回调令牌缺失或错误',
  ),
  notLive: defineError(
    'HOOK_PROVIDER_NOT_LIVE',
    503,
    'The provider has no live connector in this process; send the callback again later',
    '该服务商在本进程中没有运行中的连接器，请稍后重发回调',
  ),
};

export const SuppressionErrors = {
  notFound: defineError('SUPPRESSION_NOT_FOUND', 404, 'Suppressed number not found', '退订号码不存在'),
  exists: defineError(
    'SUPPRESSION_EXISTS',
    409,
    'This number is already on the suppression list',
    '该号码已在退订名单中',
  ),
  optedOut: defineError(
    'RECIPIENT_OPTED_OUT',
    422,
    'The recipient has opted out of messages from this enterprise',
    '接收方已退订该企业的短信',
  ),
};

export const SuppressionReasons = {
  // Same text as the send path's reason of that name (validation.ts): one meaning, one text.
  invalidNumber: defineReason(
    'invalid_number',
    'is not a valid phone number in international format (E.164, e.g. +447912345678)',
    '不是有效的国际格式手机号码（E.164，例如 +8613800138000）',
  ),
  optedOut: defineReason(
    'recipient_opted_out',
    'has opted out of messages from this enterprise',
    '已退订该企业的短信',
  ),
  badHeader: defineReason(
    'suppression_csv_header',
    'the first line must be the header "number" or "number,reason"',
    '第一行必须是表头 "number" 或 "number,reason"',
  ),
  badColumns: defineReason(
    'suppression_csv_columns',
    'must have the columns number,reason',
    '列必须为 number,reason',
  ),
  duplicateRow: defineReason(
    'suppression_csv_duplicate',
    'repeats the number of line {line}',
    '与第 {line} 行号码重复',
  ),
  empty: defineReason('suppression_csv_empty', 'holds no numbers', '没有号码'),
  tooLong: defineReason(
    'suppression_reason_too_long',
    'is longer than {max} characters',
    '超过 {max} 个字符',
  ),
};

export const OptOutKeywordErrors = {
  notFound: defineError('OPTOUT_KEYWORD_NOT_FOUND', 404, 'Keyword not found', '关键词不存在'),
  exists: defineError('OPTOUT_KEYWORD_EXISTS', 409, 'This keyword already exists', '该关键词已存在'),
  staffOnly: defineError(
    'OPTOUT_KEYWORDS_STAFF_ONLY',
    403,
    'Only platform staff may change the opt-out keywords',
    '只有平台人员可以修改退订关键词',
  ),
};

export const OptOutKeywordReasons = {
  /** A keyword is one word: what `firstWord` of an inbound text can equal. */
  oneWord: defineReason('keyword_one_word', 'must be a single word', '必须是一个词'),
};

export const TemplateErrors = {
  /** The accept path's rejection of a templated item (the field names the variable at fault). */
  invalid: defineError(
    'TEMPLATE_INVALID',
    422,
    'The template cannot be used for this message',
    '该模板不能用于此消息',
  ),
  notFound: defineError('TEMPLATE_NOT_FOUND', 404, 'Template not found', '模板不存在'),
  readOnly: defineError(
    'TEMPLATE_READ_ONLY',
    403,
    'Predefined templates cannot be changed by customers; copy it into a template of your own',
    '预置模板不可由客户修改，请复制为自己的模板',
  ),
  nameTaken: defineError(
    'TEMPLATE_NAME_TAKEN',
    409,
    'A template with this name already exists',
    '已存在同名模板',
  ),
  badStatus: defineError(
    'TEMPLATE_BAD_STATUS',
    409,
    'The template is {status}; this action is not possible now',
    '模板当前状态为 {status}，不能执行此操作',
  ),
  reviewByStaff: defineError(
    'TEMPLATE_REVIEW_STAFF_ONLY',
    403,
    'Templates are approved or rejected by platform staff',
    '模板由平台人员审核',
  ),
};

export const TemplateReasons = {
  missingVariable: defineReason('missing_variable', 'The variable {name} is missing', '缺少变量 {name}'),
  notFound: defineReason('template_not_found', 'No such template for this account', '该账号没有此模板'),
  notApproved: defineReason(
    'template_not_approved',
    'The template is not approved (status {status})',
    '模板未通过审核（状态 {status}）',
  ),
  channelMismatch: defineReason(
    'template_channel_mismatch',
    'The template is for {channel}',
    '该模板用于 {channel} 渠道',
  ),
  syntax: defineReason('template_syntax', 'Template error: {detail}', '模板错误：{detail}'),
  renderFailed: defineReason(
    'template_render_failed',
    'The template could not be rendered: {detail}',
    '模板渲染失败：{detail}',
  ),
  duplicateLanguage: defineReason(
    'duplicate_language',
    'This language has another variant already',
    '该语言已有其他版本',
  ),
  enterpriseMissing: defineReason('template_enterprise_missing', 'No such enterprise', '企业不存在'),
};

export const CallbackErrors = {
  notFound: defineError('CALLBACK_NOT_FOUND', 404, 'Callback not found', '回调不存在'),
  inFlight: defineError(
    'CALLBACK_IN_FLIGHT',
    409,
    'The callback is being delivered right now; try again in a moment',
    '该回调正在投递中，请稍后再试',
  ),
};
