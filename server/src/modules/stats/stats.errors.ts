// Every error code and field reason of the stats module, with its text in both languages
// (docs/errors.md is generated from these catalogues: `npm run gen:errors`).
import { defineError } from '../../platform/http/errors.js';

export const StatsErrors = {
  upgradeRequired: defineError(
    'UPGRADE_REQUIRED',
    426,
    'This endpoint is a WebSocket: connect with an Upgrade request',
    '此接口是 WebSocket：请使用 Upgrade 请求连接',
  ),
};
