// Every scenario, in the order a full run executes them: ceilings first, so the platform
// scenarios added later can report themselves as a ratio of them (ctx.earlierRows).
import type { Scenario } from '../scenario.js';
import { ceilingHttp } from './ceiling-http.js';
import { ceilingSqlite } from './ceiling-sqlite.js';
import { routingSelection } from './routing-selection.js';
import { acceptBatch, acceptLatency, acceptSingle } from './accept.js';
import { ceilingSmpp } from './ceiling-smpp.js';
import { e2eSms } from './e2e-sms.js';
import { backlog } from './backlog.js';

export const scenarios: readonly Scenario[] = [
  ceilingHttp,
  ceilingSqlite,
  ceilingSmpp,
  routingSelection,
  acceptSingle,
  acceptLatency,
  acceptBatch,
  e2eSms,
  backlog,
];
