// The stats module's public face (ARCHITECTURE §2a): the only file other modules and app.ts
// import from stats. Counters, the dashboard and the console's event stream (ST-1, UI-3/4).
export { StatsCounters } from './counters.js';
export { StatsService, type StatsSources } from './stats.service.js';
export { EventsHub, type AccessTokenCheck } from './events-hub.js';
export { registerStatsModule, type Stats } from './stats.module.js';
