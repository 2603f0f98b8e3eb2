// Every scenario, in the order a full run executes them: ceilings first, so the platform
// scenarios added later can report themselves as a ratio of them (ctx.earlierRows).
import type { Scenario } from '../scenario.js';
import { ceilingHttp } from './ceiling-http.js';
import { ceilingSqlite } from './ceiling-sqlite.js';
import { routingSelection } from './routing-selection.js';

export const scenarios: readonly Scenario[] = [ceilingHttp, ceilingSqlite, routingSelection];
