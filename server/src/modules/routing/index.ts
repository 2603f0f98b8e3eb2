// The routing module's public face (ARCHITECTURE §2a): the only file other modules and app.ts
// import from routing. Route rules, selection and explain (RT-1…RT-5).
export { RoutingService, type AccountLookup, type ProviderSource, type RuleView } from './routing.service.js';
export type { ProviderState, SelectionInput, SelectionResult } from './selection.js';
export { registerRoutingModule } from './routing.module.js';
