// Every error code and field reason of the SMPP server module, with its text in both languages
// (docs/errors.md is generated from these catalogues: `npm run gen:errors`).
import { defineError } from '../../platform/http/errors.js';

export const SmppServerErrors = {
  bindNotFound: defineError(
    'SMPP_BIND_NOT_FOUND',
    404,
    'SMPP bind not found (it may have closed)',
    'SMPP 连接不存在（可能已断开）',
  ),
};
